import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { useReadableStyles } from './readableStyles';

/**
 * A link to a catalog entity under its title, kept on one line (names such as `team-a`
 * would otherwise break after the hyphen).
 *
 * @internal
 */
export function EntityName(props: { entityRef: string; defaultKind: string }) {
  const classes = useReadableStyles();
  return (
    <span className={classes.noWrap}>
      <EntityRefLink
        entityRef={props.entityRef}
        defaultKind={props.defaultKind}
      />
    </span>
  );
}
