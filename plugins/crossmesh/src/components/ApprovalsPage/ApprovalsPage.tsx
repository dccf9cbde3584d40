import { Header, Page, TabbedLayout } from '@backstage/core-components';
import { DecidedRequestsTab } from './DecidedRequestsTab';
import { PendingRequestsTab } from './PendingRequestsTab';

/**
 * The platform team's inbox of exposure requests: pending ones to review, approve or
 * reject, and decided ones with their history.
 *
 * @public
 */
export function ApprovalsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Approvals"
        subtitle="Exposure requests waiting for the platform team"
      />
      <TabbedLayout>
        <TabbedLayout.Route path="/" title="Pending">
          <PendingRequestsTab />
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/decided" title="Decided">
          <DecidedRequestsTab />
        </TabbedLayout.Route>
      </TabbedLayout>
    </Page>
  );
}
