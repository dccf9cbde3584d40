import { Content, Header, InfoCard, Page } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { SignInChoice } from './signInChoice';

/** The backend's own words when it answered with an error body, else the error's message. */
function reasonOf(error: Error): string {
  const body = (error as { body?: { error?: { message?: unknown } } }).body;
  return typeof body?.error?.message === 'string'
    ? body.error.message
    : error.message;
}

/** The people of the demo organization (examples/org.yaml). */
const demoUsers = [
  { userName: 'alice', role: 'team-a, owns svc-1' },
  { userName: 'bob', role: 'team-b, owns svc-2' },
  { userName: 'carol', role: 'platform-team, approves exposures' },
  { userName: 'dave', role: 'platform-team, confirms root changes' },
];

export function SignInChooser(props: {
  onChoose(choice: SignInChoice): void;
  error?: Error;
}) {
  const configApi = useApi(configApiRef);
  return (
    <Page themeId="home">
      <Header title={configApi.getOptionalString('app.title') ?? 'Backstage'} />
      <Content>
        {props.error && (
          <Typography role="alert" color="error" paragraph>
            Sign-in failed: {reasonOf(props.error)}
          </Typography>
        )}
        <Grid container spacing={2}>
          <Grid item xs={12} md={4}>
            <InfoCard
              title="Guest"
              variant="fullHeight"
              actions={
                <Button
                  color="primary"
                  variant="outlined"
                  onClick={() => props.onChoose({ provider: 'guest' })}
                >
                  Enter
                </Button>
              }
            >
              <Typography variant="body1">
                Sign in as the guest user.
              </Typography>
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={4}>
            <InfoCard title="Demo users" variant="fullHeight">
              <Typography variant="body1" paragraph>
                Demo only: act as one of the example organization's people, to
                request an exposure as its owner and approve it as someone else.
              </Typography>
              {demoUsers.map(({ userName, role }) => (
                <Grid container key={userName} alignItems="center" spacing={1}>
                  <Grid item>
                    <Button
                      color="primary"
                      variant="outlined"
                      onClick={() =>
                        props.onChoose({ provider: 'demo', userName })
                      }
                    >
                      Sign in as {userName}
                    </Button>
                  </Grid>
                  <Grid item>
                    <Typography variant="body2">{role}</Typography>
                  </Grid>
                </Grid>
              ))}
            </InfoCard>
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
