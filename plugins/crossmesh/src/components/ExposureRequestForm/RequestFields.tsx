import TextField from '@material-ui/core/TextField';
import {
  ExposureFormErrors,
  ExposureFormField,
  ExposureFormValues,
} from './exposureForm';

type TextFieldName = Exclude<ExposureFormField, 'consumerClusters'>;

/** Tomorrow in UTC, the first day the backend accepts as an end date. */
function tomorrow(): string {
  return new Date(Date.now() + 24 * 3600 * 1000).toISOString().slice(0, 10);
}

/** Ports, consumer namespaces, reason and end date, each with its rule or its error below. */
export function RequestFields(props: {
  values: ExposureFormValues;
  errors: ExposureFormErrors;
  portsHint?: string;
  onChange: (field: TextFieldName, value: string) => void;
  onBlur: (field: TextFieldName) => void;
}) {
  const { values, errors, portsHint, onChange, onBlur } = props;
  const field = (name: TextFieldName, helperText: string) => ({
    id: `crossmesh-request-${name}`,
    name,
    value: values[name],
    error: Boolean(errors[name]),
    helperText: errors[name] ?? helperText,
    onChange: (event: React.ChangeEvent<HTMLInputElement>) =>
      onChange(name, event.target.value),
    onBlur: () => onBlur(name),
    fullWidth: true,
    margin: 'normal' as const,
    variant: 'outlined' as const,
  });

  return (
    <>
      <TextField
        label="Ports"
        required
        {...field(
          'ports',
          [
            portsHint,
            'name:number pairs, comma-separated; names start with the protocol the Istio way (http, grpc-api, tcp-db)',
          ]
            .filter(Boolean)
            .join('. '),
        )}
      />
      <TextField
        label="Consumer namespaces"
        {...field(
          'consumerNamespaces',
          'Namespaces in the consumer clusters that may call the service, comma-separated; leave empty for every namespace',
        )}
      />
      <TextField
        label="Reason"
        required
        multiline
        minRows={2}
        {...field(
          'reason',
          'Why the other clusters need this service; the approvers read it',
        )}
      />
      <TextField
        label="End date"
        type="date"
        InputLabelProps={{ shrink: true }}
        inputProps={{ min: tomorrow() }}
        {...field(
          'endDate',
          'Optional: the exposure is revoked when this day begins (00:00 UTC)',
        )}
      />
    </>
  );
}
