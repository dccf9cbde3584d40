/**
 * One step of a scaffolder template, with its input as written.
 */
export interface TemplateStep {
  id: string;
  name?: string;
  action: string;
  /** Scalars as written; a nested value (a map or list) as {@link NESTED}. */
  input: Record<string, string>;
}

/** Stands for an input whose value is a nested map or list, which is not read. */
export const NESTED = '(nested)';

/**
 * Reads `spec.steps` of a template written in the block style of examples/templates:
 * list items of `key: value` lines and an `input:` map of scalars or nested blocks (kept
 * as {@link NESTED}). Anything else in the steps is refused rather than misread. (This package has no YAML parser among its
 * dependencies.)
 */
export function readTemplateSteps(text: string): TemplateStep[] {
  const lines = text.split('\n');
  const start = lines.findIndex(line => line === '  steps:');
  if (start < 0) {
    throw new Error('the template has no "  steps:" under spec');
  }
  const steps: TemplateStep[] = [];
  let inInput = false;
  let inNested = false;
  for (const line of lines.slice(start + 1)) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    if (indent <= 2) break;
    if (inNested && indent > 8) continue;
    inNested = false;
    const item = /^ {4}- (\w+): (.+)$/.exec(line);
    const field = /^ {6}(\w+):(?: (.+))?$/.exec(line);
    const input = /^ {8}(\w+):(?: (.+))?$/.exec(line);
    if (item) {
      steps.push({ id: '', action: '', input: {} });
      inInput = false;
      setField(steps[steps.length - 1], item[1], scalar(item[2]));
    } else if (field && steps.length) {
      inInput = field[1] === 'input' && field[2] === undefined;
      if (!inInput)
        setField(steps[steps.length - 1], field[1], scalar(field[2]));
    } else if (input && inInput) {
      inNested = input[2] === undefined;
      steps[steps.length - 1].input[input[1]] = inNested
        ? NESTED
        : scalar(input[2]);
    } else {
      throw new Error(`cannot read this line of the template's steps: ${line}`);
    }
  }
  return steps;
}

function setField(step: TemplateStep, key: string, value: string) {
  if (key !== 'id' && key !== 'name' && key !== 'action') {
    throw new Error(`unexpected step field ${key}`);
  }
  step[key] = value;
}

function scalar(value: string | undefined): string {
  if (value === undefined) throw new Error('a step field has no value');
  const quoted = /^'(.*)'$|^"(.*)"$/.exec(value);
  return quoted ? quoted[1] ?? quoted[2] : value;
}

/**
 * Renders an input the way the scaffolder renders a value that is one `${{ parameters.x }}`
 * expression: the parameter's own value, and no key at all when it is not set.
 */
export function renderInput(
  input: Record<string, string>,
  parameters: Record<string, unknown>,
): Record<string, unknown> {
  const rendered: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const expression = /^\$\{\{ parameters\.(\w+) \}\}$/.exec(value);
    if (!expression) {
      if (value.includes('${{')) {
        throw new Error(
          `only whole \${{ parameters.x }} values are rendered here: ${value}`,
        );
      }
      rendered[key] = value;
    } else if (parameters[expression[1]] !== undefined) {
      rendered[key] = parameters[expression[1]];
    }
  }
  return rendered;
}
