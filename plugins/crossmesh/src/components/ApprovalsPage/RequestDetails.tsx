import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import { makeStyles } from '@material-ui/core/styles';
import { Fragment, ReactNode } from 'react';
import {
  Identifier,
  IdentifierList,
  MeshFactChanges,
  Words,
  EntityName,
} from '../shared';
import { formatDate, formatTimestamp, shortRef } from './requestWords';

const useStyles = makeStyles(theme => ({
  list: {
    ...theme.typography.body2,
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(3),
    rowGap: theme.spacing(1),
    margin: theme.spacing(0, 0, 2, 0),
  },
  term: {
    color: theme.palette.text.secondary,
  },
  description: {
    margin: 0,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
}));

/** What was asked, by whom and why: everything an approver weighs besides the YAML. */
export function RequestDetails(props: {
  request: ExposureRequest;
  owner?: string;
  isOwnRequest: boolean;
}) {
  const { request, owner, isOwnRequest } = props;
  const classes = useStyles();
  const rows: [string, ReactNode][] = [
    [
      'Component',
      <EntityName entityRef={request.entityRef} defaultKind="component" />,
    ],
    [
      'Team',
      owner ? (
        <EntityName entityRef={owner} defaultKind="group" />
      ) : (
        'No owner in the catalog'
      ),
    ],
    [
      'Requested by',
      `${shortRef(request.requestedBy, 'user')}${isOwnRequest ? ' (you)' : ''}`,
    ],
    ['Requested at', formatTimestamp(request.requestedAt)],
    ['Reason', request.reason],
    [
      'End date',
      request.endDate ? formatDate(request.endDate) : 'None (until revoked)',
    ],
    [
      'Service',
      <>
        <Identifier
          value={`${request.service.name}.${request.service.namespace}`}
        />{' '}
        in <Identifier value={request.sourceCluster} />
      </>,
    ],
    [
      'Ports',
      request.service.ports.map(p => `${p.name} ${p.number}`).join(', '),
    ],
    ['Consumer clusters', <IdentifierList values={request.consumerClusters} />],
    [
      'Consumer namespaces',
      request.consumerNamespaces.length
        ? request.consumerNamespaces.join(', ')
        : 'All namespaces',
    ],
  ];
  if (request.meshFactChanges?.length) {
    rows.push(['Mesh changes', <MeshFactChanges request={request} />]);
  }
  return (
    <dl className={classes.list}>
      {rows.map(([term, description]) => (
        <Fragment key={term}>
          <dt className={classes.term}>{term}</dt>
          <dd className={classes.description}>
            <Words>{description}</Words>
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}
