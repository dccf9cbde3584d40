import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { Words } from './Words';

const FINGERPRINT =
  '0A:96:28:5E:97:BA:7D:F6:05:74:CD:83:45:19:22:AB:01:9C:3E:77:55:10:9F:AA';

describe('Words', () => {
  it('cuts a long token but keeps the punctuation around it, so the sentence still reads', async () => {
    await renderInTestApp(
      <p data-testid="sentence">
        <Words>{`from Root CA (SHA-256 ${FINGERPRINT}): every cluster trusts it`}</Words>
      </p>,
    );
    const sentence = screen.getByTestId('sentence');
    expect(sentence).toHaveTextContent(
      `from Root CA (SHA-256 ${FINGERPRINT}): every cluster trusts it`,
    );
    // The cut token is the fingerprint alone; "):" is outside it.
    const cut = screen.getByText(FINGERPRINT);
    expect(cut.textContent).toBe(FINGERPRINT);
  });
});
