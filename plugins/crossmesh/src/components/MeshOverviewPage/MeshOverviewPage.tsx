import { Content, Header, Page } from '@backstage/core-components';
import { MeshOverviewContent } from './MeshOverviewContent';

/**
 * The mesh overview page: every cluster of the mesh at a glance.
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
