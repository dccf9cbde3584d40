import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import { shortRef } from './requestWords';

const useStyles = makeStyles(theme => ({
  filter: {
    minWidth: 220,
    marginRight: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
}));

/** An empty value means "no filter". */
export interface RequestFilterValues {
  cluster: string;
  team: string;
}

/**
 * Cluster (source or consumer) and, where given, team filters. Native selects: every
 * browser makes them keyboard usable and labels them for assistive technology.
 */
export function RequestFilters(props: {
  clusters: string[];
  /** Group refs to offer; omit to offer no team filter. */
  teams?: string[];
  values: RequestFilterValues;
  onChange: (values: RequestFilterValues) => void;
}) {
  const { clusters, teams, values, onChange } = props;
  const classes = useStyles();
  return (
    <Box display="flex" flexWrap="wrap" role="group" aria-label="Filters">
      <TextField
        id="crossmesh-approvals-cluster"
        className={classes.filter}
        select
        SelectProps={{ native: true }}
        // A native select always shows its value ("All clusters"), so the label sits
        // above it on the outline rather than over it.
        InputLabelProps={{ shrink: true }}
        label="Cluster"
        helperText="Source or consumer"
        variant="outlined"
        size="small"
        value={values.cluster}
        onChange={e => onChange({ ...values, cluster: e.target.value })}
      >
        <option value="">All clusters</option>
        {clusters.map(cluster => (
          <option key={cluster} value={cluster}>
            {cluster}
          </option>
        ))}
      </TextField>
      {teams && (
        <TextField
          id="crossmesh-approvals-team"
          className={classes.filter}
          select
          SelectProps={{ native: true }}
          InputLabelProps={{ shrink: true }}
          label="Team"
          helperText="Owner of the component in the catalog"
          variant="outlined"
          size="small"
          value={values.team}
          onChange={e => onChange({ ...values, team: e.target.value })}
        >
          <option value="">All teams</option>
          {teams.map(team => (
            <option key={team} value={team}>
              {shortRef(team, 'group')}
            </option>
          ))}
        </TextField>
      )}
    </Box>
  );
}
