import { parseCorefile, tokenizeCorefile } from './corefileSyntax';
import { ensureGlobalServerBlock, renderGlobalServerBlock } from './corefile';
import {
  corednsBinary,
  corednsTokens,
  runCoredns,
} from './__testUtils__/coredns';
import { loadFixtures } from '../../__testUtils__/dnsFixtures';

// Compares crossmesh's Corefile tokenizer with the lexer CoreDNS itself parses Corefiles
// with, built once from the Go module proxy.
jest.setTimeout(20 * 60_000);

const QUOTES_AND_ESCAPES: Array<[string, string]> = [
  [
    'an escaped backslash before the closing quote',
    'consolidate 5m "^a\\\\"\n',
  ],
  ['an escaped quote', 'log "say \\"hi\\""\n'],
  ['a backslash before another letter', 'x "a\\nb" "c\\\\d"\n'],
  ['a lone backslash pair', 'x "\\\\"\n'],
  ['three backslashes and a quote', 'x "a\\\\\\"b"\n'],
  ['backslashes outside quotes', 'x a\\"b\\\\ c\\\n'],
  ['an empty quoted string', 'x "" y\n'],
  ['two quoted strings touching', 'x "a""b"\n'],
  ['a quote inside a word', 'x a"b c"d\n'],
  ['a quoted string over lines', 'x "a\nb\n" y\nz\n'],
  ['a quoted brace and hash', 'x "{" "}" "#no comment"\n'],
  ['a comment mid-word', 'x foo#bar baz\ny\n'],
  ['a comment holding a quote', 'x # say "\ny "z"\n'],
  ['CRLF line ends', 'x "a"\r\ny b\r\n'],
  ['a carriage return inside a word', 'x ab\rcd\n'],
  ['a carriage return inside quotes', 'x "a\rb"\n'],
  ['tabs, NBSP, NEL and an em space', 'x\ta\u00a0b\u0085c\u2003d\n'],
  ['a byte order mark first', '\ufeffx y\n'],
  ['a byte order mark inside', 'x a\ufeffb\n'],
  ['non-ASCII words', 'x grüße "日本 語"\n'],
  ['an unterminated quote at the end', 'x "abc'],
  ['a lone quote at the end', 'x "'],
  ['a trailing escape in an unterminated quote', 'x "a\\'],
];

describe('tokenizeCorefile reads what CoreDNS’s lexer reads', () => {
  it.each(QUOTES_AND_ESCAPES)('%s', async (_label, corefile) => {
    const ours = tokenizeCorefile(corefile).map(({ text, line }) => ({
      text,
      line,
    }));
    expect(ours).toEqual(await corednsTokens(corefile));
  });

  it.each(
    loadFixtures()
      .flatMap(f =>
        Object.entries(f.data ?? {}).map(([k, v]) => [f.file, k, v]),
      )
      .filter(([, key]) => key === 'Corefile' || key.endsWith('.server')),
  )('%s %s', async (_file, _key, corefile) => {
    const ours = tokenizeCorefile(corefile).map(({ text, line }) => ({
      text,
      line,
    }));
    expect(ours).toEqual(await corednsTokens(corefile));
  });

  it('knows where each token sits in the text', () => {
    const corefile = 'x "a\\"b" c#d\r\n e';
    expect(
      tokenizeCorefile(corefile).map(t => corefile.slice(t.start, t.end)),
    ).toEqual(['x', '"a\\"b"', 'c', 'e']);
  });
});

describe('a Corefile CoreDNS accepts is edited, and CoreDNS still accepts it', () => {
  let coredns: string;

  beforeAll(async () => {
    coredns = await corednsBinary();
  });

  it('with consolidate 5m "^a\\\\" in an errors block', async () => {
    let output = '';
    let exited = true;
    // A random port can be taken by another test's server meanwhile: try a few.
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = 20000 + Math.floor(Math.random() * 12000);
      const corefile = `.:${port} {\n    bind 127.0.0.1\n    errors {\n        consolidate 5m "^a\\\\"\n    }\n    whoami\n}\n`;
      expect(parseCorefile(corefile).entries).toHaveLength(1);
      const edited = ensureGlobalServerBlock(corefile, '10.96.12.34').corefile;
      expect(edited.startsWith(corefile)).toBe(true);
      const block = renderGlobalServerBlock('10.96.12.34');
      const runnable = edited.replace(
        block,
        block.replace('global:53 {', `global:${port} {\n    bind 127.0.0.1`),
      );
      ({ output, exited } = await runCoredns(coredns, runnable, {
        readyWhen: /CoreDNS-\d/,
      }));
      if (!output.includes('address already in use')) break;
    }
    expect(output).toMatch(/CoreDNS-\d/);
    expect(output).not.toMatch(/Error during parsing|Syntax error/);
    expect(exited).toBe(false);
  });
});
