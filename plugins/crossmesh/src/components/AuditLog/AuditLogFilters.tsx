import { AuditEventQuery } from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import { FormEvent, useId, useState } from 'react';

/** The filters of the audit log that people set. */
export type AuditLogFilterValues = Pick<
  AuditEventQuery,
  'clusterName' | 'action' | 'actor'
>;

const EMPTY = { clusterName: '', action: '', actor: '' };

/** Filters applied when submitted (Enter or the button), not on every key. */
export function AuditLogFilters(props: {
  onApply: (filters: AuditLogFilterValues) => void;
}) {
  const { onApply } = props;
  const [draft, setDraft] = useState(EMPTY);
  const id = useId();
  const apply = (values: typeof EMPTY) =>
    onApply({
      clusterName: values.clusterName.trim() || undefined,
      action: values.action.trim() || undefined,
      actor: values.actor.trim() || undefined,
    });
  const field = (name: keyof typeof EMPTY, label: string, hint: string) => (
    <TextField
      id={`${id}-${name}`}
      label={label}
      helperText={hint}
      size="small"
      variant="outlined"
      value={draft[name]}
      onChange={e => setDraft({ ...draft, [name]: e.target.value })}
    />
  );
  return (
    <Box
      component="form"
      role="search"
      aria-label="Filter the audit log"
      display="flex"
      flexWrap="wrap"
      alignItems="flex-start"
      style={{ gap: 16 }}
      mb={2}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        apply(draft);
      }}
    >
      {field('clusterName', 'Cluster', 'Exact name, e.g. cluster-1')}
      {field('action', 'Action', 'e.g. exposure.approved')}
      {field('actor', 'Actor', 'e.g. user:default/carol')}
      <Button type="submit" variant="contained" color="primary">
        Apply filters
      </Button>
      <Button
        onClick={() => {
          setDraft(EMPTY);
          apply(EMPTY);
        }}
      >
        Clear filters
      </Button>
    </Box>
  );
}
