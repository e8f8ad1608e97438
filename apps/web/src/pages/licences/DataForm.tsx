/** Form items for a licence's data (照面信息), generated from its type's metadata schema properties. */
import { Form, Input, InputNumber, Select, Switch } from 'antd';
import { usePrefs } from '../../i18n/index.tsx';
import { dataLabels, type LicenceType } from './model.ts';

interface PropSchema {
  type?: string | string[];
  title?: string;
  enum?: unknown[];
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: { type?: string };
}

/** The schema's properties in template order, then the rest. */
function orderedProps(type: LicenceType): [string, PropSchema][] {
  const props = (type.metadataSchema?.properties ?? {}) as Record<string, PropSchema>;
  const order = [...type.template.fields.map((f) => f.key), ...Object.keys(props)];
  return [...new Set(order)].filter((k) => k in props).map((k) => [k, props[k] ?? {}]);
}

export function DataFormItems({ type }: { type: LicenceType }) {
  const { t, lang } = usePrefs();
  const labels = dataLabels(type, lang);
  const required = new Set(
    Array.isArray(type.metadataSchema?.required) ? (type.metadataSchema.required as string[]) : [],
  );
  return (
    <>
      {orderedProps(type).map(([key, p]) => {
        const kind = Array.isArray(p.type) ? p.type.find((x) => x !== 'null') : p.type;
        const label = labels[key] ?? key;
        const rules = required.has(key)
          ? [{ required: true, message: t('licences.issue.fieldRequired', { label }) }]
          : [];
        const common = { label, name: ['data', key], rules };
        if (p.enum)
          return (
            <Form.Item key={key} {...common}>
              <Select allowClear options={p.enum.map((v) => ({ value: v as string, label: String(v) }))} />
            </Form.Item>
          );
        if (kind === 'boolean')
          return (
            <Form.Item key={key} {...common} valuePropName="checked">
              <Switch />
            </Form.Item>
          );
        if (kind === 'number' || kind === 'integer')
          return (
            <Form.Item key={key} {...common}>
              <InputNumber
                precision={kind === 'integer' ? 0 : undefined}
                min={p.minimum}
                max={p.maximum}
                style={{ width: 200 }}
              />
            </Form.Item>
          );
        if (kind === 'array')
          return (
            <Form.Item key={key} {...common} extra={t('licences.issue.tagsHint')}>
              <Select mode="tags" tokenSeparators={[',', '，', '、']} open={false} />
            </Form.Item>
          );
        const long = (p.maxLength ?? 500) > 100;
        return (
          <Form.Item key={key} {...common}>
            {long ? (
              <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={p.maxLength} />
            ) : (
              <Input maxLength={p.maxLength} />
            )}
          </Form.Item>
        );
      })}
    </>
  );
}

/** The data to send: blanks left out. */
export function cleanData(data: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data ?? {})) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'string' && !v.trim()) continue;
    if (Array.isArray(v) && !v.length) continue;
    out[k] = typeof v === 'string' ? v.trim() : v;
  }
  return out;
}
