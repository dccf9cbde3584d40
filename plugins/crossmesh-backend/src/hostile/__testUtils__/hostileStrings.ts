/**
 * Strings that try to break out of the place a name is written to: a YAML manifest, a label
 * selector or value, a Corefile, a path. Each names what it attacks.
 */
export const HOSTILE_NAMES: Record<string, string> = {
  'YAML: a new key on the next line': 'foo\nkind: Secret',
  'YAML: a flow mapping': '{a: b}',
  'YAML: a flow sequence': '[a, b]',
  'YAML: a language-specific tag': '!!python/object/apply:os.system ["id"]',
  'YAML: a quote': '"',
  'YAML: a document separator': '---',
  'YAML: an end-of-document marker': '...',
  'YAML: an anchor and an alias': '&a *a',
  'YAML: a mapping value': 'key: value',
  'YAML: a comment': 'svc # comment',
  'label: a selector with a set': 'a=b,c',
  'label: an inequality': 'app!=x',
  'label: a prefix with a slash': 'app.kubernetes.io/managed-by',
  'path: a parent directory': '../',
  'path: an encoded slash': 'a%2Fb',
  'Corefile: a closing brace': '}',
  'Corefile: an opening brace': '{',
  'Corefile: a forward directive': 'forward . 1.2.3.4',
  'Corefile: an import': 'import /etc/passwd',
  'Corefile: a new server block': '.:53 {',
  'Corefile: a block closed on a new line': 'svc\n}',
  'control: a carriage return': 'svc\rkind',
  'control: a NUL byte': 'svc\u0000',
  'control: an ANSI escape': 'svc\u001b[31m',
  'unicode: a Cyrillic look-alike': '\u0455vc-2',
  'unicode: a non-ASCII hyphen': 'svc\u20102',
  'unicode: a full-width digit': 'svc-\uff12',
  'unicode: a zero-width space': 'sv\u200bc',
  'unicode: a right-to-left override': 'svc\u202e2',
  'case: upper-case letters': 'Svc-2',
  'space: a leading space': ' svc',
  'length: 64 characters': 'a'.repeat(64),
  'length: 10,000 characters': 'a'.repeat(10_000),
  'empty-ish: a single dash': '-',
};

/** Entries as `[description, value]` pairs, for `it.each`. */
export const hostileNameCases = Object.entries(HOSTILE_NAMES);

/** Raw control characters; a refusal message must show them escaped. */
export const RAW_CONTROL =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e]/u;

/**
 * Free text a person writes (a reason, a decision comment) that is full of syntax, all of which
 * is allowed: it must be stored as given and shown as given, never interpreted.
 */
export const HOSTILE_FREE_TEXT = [
  'needed by checkout\nkind: Secret\nmetadata:\n  name: stolen',
  '---\napiVersion: v1\nkind: Secret',
  '{a: b} [c] !!python/object "quoted" \'single\' &anchor *alias # comment',
  'a=b,c ../ } { forward . 1.2.3.4\nimport /etc/passwd\n.:53 {',
  '<script>alert(1)</script> ${jndi:ldap://x} `rm -rf /` $(id)',
  'ѕvc‐2 ２ sv\u200bc \u202eevil',
].join('\n');
