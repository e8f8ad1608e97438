/** The check of a no-proof material (免证明) as a sentence of the page's language: "<field> <operator> <value>". */
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';
import { useSite } from '../../site.ts';

export interface PredicateView {
  label: string;
  op: string;
  value: unknown;
  /** The checked field (the preview names it; the evidence on a case has its label only). */
  field?: string;
}

/**
 * `text(p)`: the check with the operator in the page's language. A division code (operator `within`,
 * or a field about a division) is named when it is the platform's own division, the code following.
 */
export function usePredicateText() {
  const { t, lang } = usePrefs();
  const site = useSite(lang);
  return (p: PredicateView): string => {
    const division = p.op === 'within' || /division/i.test(p.field ?? '');
    const one = (v: unknown) => {
      const s = String(v);
      return division && site.code === s && site.name ? t('data.noProof.division', { name: site.name, code: s }) : s;
    };
    const value =
      p.value == null ? '' : Array.isArray(p.value) ? p.value.map(one).join(t('workbench.fmt.listSep')) : one(p.value);
    return [p.label, t(`data.op.${p.op}` as MessageKey), value].filter((x) => x !== '').join(' ');
  };
}
