const PLACEHOLDER = /\{\{(.*?)\}\}/g;

/** Placeholder names a template uses (literals left out). */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!.split('|')[0]!).filter((name) => !name.startsWith('"'));
}

function applyFilter(value: string, filter: string): string {
  const [name, ...args] = filter.split(':');
  switch (name) {
    case 'drop':
      return value.slice(0, -Number(args[0]));
    case 'take':
      return value.slice(0, Number(args[0]));
    case 'flip': {
      const i = Math.floor(value.length / 2);
      return value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
    }
    case 'sub':
      if (!value.includes(args[0]!)) throw new Error(`corpus: sub: "${args[0]}" not found`);
      return value.replace(args[0]!, args[1]!);
    case 'suball':
      if (!value.includes(args[0]!)) throw new Error(`corpus: suball: "${args[0]}" not found`);
      return value.split(args[0]!).join(args[1]!);
    case 'enc':
      return encodeURIComponent(value);
    case 'rep':
      return value.repeat(Number(args[0]));
    case 'latin1':
      return Buffer.from(value, 'utf8').toString('latin1');
    default:
      throw new Error(`corpus: unknown filter "${filter}"`);
  }
}

/**
 * Fills `{{name|filter:arg}}` / `{{"literal"|filter}}` placeholders (see
 * `corpusTypes.ts`). An unknown name throws: a typo must not turn an input
 * into an empty string that happens to pass.
 */
export function expandTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (_all, inner: string) => {
    const [head, ...filters] = inner.split('|');
    let value: string;
    if (head!.startsWith('"') && head!.endsWith('"') && head!.length >= 2) value = head!.slice(1, -1);
    else if (Object.hasOwn(values, head!)) value = values[head!]!;
    else throw new Error(`corpus: no value for {{${head}}}`);
    for (const f of filters) value = applyFilter(value, f);
    return value;
  });
}
