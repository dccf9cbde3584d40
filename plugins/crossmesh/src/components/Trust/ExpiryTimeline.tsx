import { TrustState } from '@crossmesh/backstage-plugin-crossmesh-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import { Fragment, useId } from 'react';
import { expiryLabel } from '../MeshOverviewPage/time';
import { Words } from '../shared';
import {
  expiryTimeline,
  ExpiryTimeline as Timeline,
  positionOf,
  TimelineEntry,
  yearTicks,
} from './expiryTimelineModel';

const useStyles = makeStyles(theme => ({
  picture: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    alignItems: 'center',
  },
  label: {
    ...theme.typography.body2,
    whiteSpace: 'nowrap',
  },
  track: {
    display: 'block',
    width: '100%',
    overflow: 'visible',
  },
  list: {
    ...theme.typography.body2,
    margin: theme.spacing(1.5, 0, 0),
    paddingLeft: theme.spacing(2.5),
    color: theme.palette.text.secondary,
  },
}));

function EntryTrack(props: { timeline: Timeline; entry: TimelineEntry }) {
  const { timeline, entry } = props;
  const theme = useTheme();
  const classes = useStyles();
  const to = positionOf(timeline, entry.to);
  if (entry.kind === 'renewal') {
    return (
      <svg className={classes.track} height={18}>
        <line
          x1={`${to}%`}
          x2={`${to}%`}
          y1={0}
          y2={18}
          stroke={theme.palette.warning.main}
          strokeWidth={2}
        />
        <circle cx={`${to}%`} cy={9} r={5} fill={theme.palette.warning.main} />
      </svg>
    );
  }
  const from = positionOf(timeline, entry.from ?? entry.to);
  return (
    <svg className={classes.track} height={18}>
      <rect
        x={`${from}%`}
        width={`${Math.max(to - from, 0.5)}%`}
        y={3}
        height={12}
        rx={3}
        fill={
          entry.kind === 'root'
            ? theme.palette.primary.main
            : theme.palette.info.main
        }
      />
    </svg>
  );
}

function Axis({ timeline }: { timeline: Timeline }) {
  const theme = useTheme();
  const classes = useStyles();
  return (
    <svg className={classes.track} height={24}>
      <line
        x1="0%"
        x2="100%"
        y1={2}
        y2={2}
        stroke={theme.palette.divider}
        strokeWidth={1}
      />
      {yearTicks(timeline)
        .map(year => ({ year, x: positionOf(timeline, year) }))
        .filter(({ x }) => x > 3 && x < 97)
        .map(({ year, x }) => (
          <Fragment key={year}>
            <line
              x1={`${x}%`}
              x2={`${x}%`}
              y1={0}
              y2={6}
              stroke={theme.palette.text.secondary}
            />
            <text
              x={`${x}%`}
              y={20}
              textAnchor="middle"
              fontSize={theme.typography.caption.fontSize}
              fill={theme.palette.text.secondary}
            >
              {year.slice(0, 4)}
            </text>
          </Fragment>
        ))}
    </svg>
  );
}

function entryWords(entry: TimelineEntry): string {
  if (entry.kind === 'renewal') {
    return `${entry.label}: ${entry.to.slice(0, 10)}`;
  }
  return `${entry.label}: valid from ${entry.from?.slice(
    0,
    10,
  )}, expires ${expiryLabel(entry.to)}`;
}

/**
 * When the mesh's certificates expire, as a picture: one bar per root and intermediate on
 * a shared time axis, and a marker where the next renewal falls. The list below it says
 * the same in words, and is the picture's text alternative.
 */
export function ExpiryTimeline({ trust }: { trust: TrustState }) {
  const classes = useStyles();
  const nameId = useId();
  const listId = useId();
  const timeline = expiryTimeline(trust);
  if (!timeline) return null;
  return (
    <section aria-labelledby={nameId}>
      <Typography variant="h6" component="h3" id={nameId} gutterBottom>
        Certificate expiry
      </Typography>
      <div
        role="img"
        aria-labelledby={nameId}
        aria-describedby={listId}
        className={classes.picture}
      >
        {timeline.entries.map(entry => (
          <Fragment key={`${entry.kind}-${entry.label}`}>
            <span className={classes.label}>{entry.label}</span>
            <EntryTrack timeline={timeline} entry={entry} />
          </Fragment>
        ))}
        <span />
        <Axis timeline={timeline} />
      </div>
      <ul id={listId} className={classes.list}>
        {timeline.entries.map(entry => (
          <li key={`${entry.kind}-${entry.label}`}>
            <Words>{entryWords(entry)}</Words>
          </li>
        ))}
      </ul>
    </section>
  );
}
