/*
 * Reads what the published packages' READMEs tell an adopter to do, so that the adoption
 * test follows the READMEs rather than its own copy of the steps: which package to add to
 * which workspace of the app (`yarn --cwd packages/<app|backend> add ...`), which
 * `backend.add(import('...'))` lines to put in the backend, and, from a `diff` block's `-`
 * lines, which to take out of it (a `diff` block's context lines are neither).
 */

/** A fenced code block of a Markdown file. */
export interface CodeBlock {
  lang: string;
  body: string;
}

/** The install steps one README gives. */
export interface InstallInstructions {
  readme: string;
  /** Packages to add, by the app's workspace they go to. */
  add: { app: string[]; backend: string[] };
  /** Packages to register with `backend.add(import('<package>'))`, in README order. */
  backendFeatures: string[];
  /** Packages whose `backend.add(import('<package>'))` a `diff` block removes. */
  removedBackendFeatures: string[];
}

export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const fence = /^```([\w-]*)\n([\s\S]*?)^```/gm;
  for (const match of markdown.matchAll(fence)) {
    blocks.push({ lang: match[1], body: match[2] });
  }
  return blocks;
}

export function readInstallInstructions(
  readme: string,
  markdown: string,
): InstallInstructions {
  const instructions: InstallInstructions = {
    readme,
    add: { app: [], backend: [] },
    backendFeatures: [],
    removedBackendFeatures: [],
  };
  for (const block of codeBlocks(markdown)) {
    const text = block.body.replace(/\\\n\s*/g, ' ');
    for (const line of text.split('\n')) {
      const add = /^\s*yarn --cwd packages\/(app|backend) add\s+(.+)$/.exec(
        line,
      );
      if (add) {
        const workspace = add[1] as 'app' | 'backend';
        const names = add[2]
          .replace(/#.*$/, '')
          .split(/\s+/)
          .filter(word => word && !word.startsWith('-'));
        instructions.add[workspace].push(...names);
      }
    }
    const feature = /backend\.add\(\s*import\(\s*'([^']+)'\s*\)\s*,?\s*\)/g;
    if (block.lang === 'diff') {
      for (const line of text.split('\n')) {
        const names = [...line.matchAll(feature)].map(match => match[1]);
        if (line.startsWith('+')) instructions.backendFeatures.push(...names);
        if (line.startsWith('-')) {
          instructions.removedBackendFeatures.push(...names);
        }
      }
      continue;
    }
    for (const match of text.matchAll(feature)) {
      instructions.backendFeatures.push(match[1]);
    }
  }
  return instructions;
}
