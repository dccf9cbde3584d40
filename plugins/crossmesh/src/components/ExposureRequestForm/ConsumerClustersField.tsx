import Checkbox from '@material-ui/core/Checkbox';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormGroup from '@material-ui/core/FormGroup';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import LinearProgress from '@material-ui/core/LinearProgress';
import { useMeshClusters } from '../../hooks';
import { errorMessage } from '../errorMessage';

/** One checkbox per cluster of the mesh other than the one the service runs in. */
export function ConsumerClustersField(props: {
  sourceCluster: string;
  value: string[];
  onChange: (clusters: string[]) => void;
  error?: string;
}) {
  const { sourceCluster, value, onChange, error } = props;
  const { clusters, loading, error: loadError } = useMeshClusters();
  const choices = (clusters ?? [])
    .map(cluster => cluster.name)
    .filter(name => name !== sourceCluster);

  let helperText = error ?? 'The clusters whose workloads may call the service';
  if (loadError) {
    helperText = `Could not load the mesh's clusters: ${errorMessage(
      loadError,
    )}`;
  } else if (!loading && choices.length === 0) {
    helperText = `The mesh has no cluster other than ${sourceCluster} to expose the service to`;
  }

  const toggle = (name: string, checked: boolean) =>
    onChange(
      checked ? [...value, name] : value.filter(cluster => cluster !== name),
    );

  return (
    <FormControl
      component="fieldset"
      error={Boolean(error || loadError)}
      required
      margin="normal"
      fullWidth
      aria-labelledby="crossmesh-consumer-clusters-label"
      aria-describedby="crossmesh-consumer-clusters-help"
    >
      <FormLabel component="legend" id="crossmesh-consumer-clusters-label">
        Consumer clusters
      </FormLabel>
      {loading && <LinearProgress aria-label="Loading the mesh's clusters" />}
      <FormGroup row>
        {choices.map(name => (
          <FormControlLabel
            key={name}
            label={name}
            control={
              <Checkbox
                checked={value.includes(name)}
                onChange={event => toggle(name, event.target.checked)}
                name={name}
                color="primary"
              />
            }
          />
        ))}
      </FormGroup>
      <FormHelperText id="crossmesh-consumer-clusters-help">
        {helperText}
      </FormHelperText>
    </FormControl>
  );
}
