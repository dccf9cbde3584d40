import { Content, Header, Page } from '@backstage/core-components';
import { MeshOverviewContent } from './MeshOverviewContent';

/**
 * The mesh overview page: the clusters, the exposures between them and the audit log.
 *
 * @public
 */
export function MeshOverviewPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Mesh overview"
        subtitle="One Istio mesh across the Kubernetes clusters"
      />
      <Content>
        <MeshOverviewContent />
      </Content>
    </Page>
  );
}
