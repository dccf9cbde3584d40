import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import AttachFileIcon from '@material-ui/icons/AttachFile';
import { ChangeEvent, useId, useRef } from 'react';
import { Words } from '../shared';

/** A file as read in the browser: its name and its text. */
export interface PemFile {
  name: string;
  text: string;
}

const useStyles = makeStyles(theme => ({
  row: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1.5),
    marginTop: theme.spacing(1),
  },
  input: {
    // The visible button opens it; the input itself stays out of sight and tab order.
    position: 'absolute',
    width: 1,
    height: 1,
    opacity: 0,
  },
  button: {
    whiteSpace: 'nowrap',
  },
}));

function readText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(file);
  });
}

/**
 * A PEM file picked from disk, read as text. The check the backend ran on it, when it
 * failed, shows under the field that holds the file.
 */
export function PemFileField(props: {
  label: string;
  hint: string;
  value?: PemFile;
  /** The backend's message about this file. */
  error?: string;
  onChange: (file: PemFile | undefined) => void;
}) {
  const { label, hint, value, error, onChange } = props;
  const classes = useStyles();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const pick = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    onChange(
      file ? { name: file.name, text: await readText(file) } : undefined,
    );
  };
  return (
    <FormControl
      component="fieldset"
      error={Boolean(error)}
      margin="normal"
      fullWidth
    >
      <FormLabel component="legend">{label}</FormLabel>
      <div className={classes.row}>
        <input
          ref={input}
          className={classes.input}
          type="file"
          tabIndex={-1}
          accept=".pem,.crt,.cer,.key,.csr,text/plain"
          aria-label={label}
          aria-describedby={`${id}-help`}
          aria-invalid={Boolean(error)}
          onChange={pick}
        />
        <Button
          onClick={() => input.current?.click()}
          aria-describedby={`${id}-help`}
          variant="outlined"
          size="small"
          startIcon={<AttachFileIcon />}
          className={classes.button}
        >
          Choose {label.toLocaleLowerCase('en-US')}
        </Button>
        <Typography variant="body2" color="textSecondary">
          {value ? value.name : 'No file chosen'}
        </Typography>
      </div>
      <FormHelperText id={`${id}-help`}>
        <Words>{error ?? hint}</Words>
      </FormHelperText>
    </FormControl>
  );
}
