/**
 * Visual designer of an item's application form (`formSchema`, a JSON Schema draft-07 subset:
 * an object of string/number/integer/boolean fields with title, format, enum, length, pattern and
 * required) with a live preview rendered by @rjsf/antd, and a raw JSON tab.
 */
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import Form from '@rjsf/antd';
import type CoreForm from '@rjsf/core';
import type { RJSFSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { Alert, Button, Card, Checkbox, Col, Input, InputNumber, Row, Select, Space, Tabs, Typography } from 'antd';
import { Component, type ReactNode, useEffect, useId, useMemo, useRef, useState } from 'react';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';

export type FormSchema = Record<string, unknown>;

const TYPES = ['string', 'number', 'integer', 'boolean'] as const;
type FieldType = (typeof TYPES)[number];
const FORMATS = ['date', 'date-time', 'time', 'email', 'uri'] as const;
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** One field as the designer edits it (`uid` keeps React rows stable while the name is typed). */
interface Field {
  uid: string;
  name: string;
  title: string;
  type: FieldType;
  required: boolean;
  format?: string;
  options: string[];
  minLength?: number | null;
  maxLength?: number | null;
  pattern?: string;
  description?: string;
  /** Keywords the designer does not edit (minimum, default …), kept as they were. */
  rest: Record<string, unknown>;
}

let seq = 0;
const uid = () => `f${++seq}`;

function toFields(schema: FormSchema): Field[] {
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(props).map(([name, p]) => {
    const { type, title, format, enum: en, minLength, maxLength, pattern, description, ...rest } = p ?? {};
    return {
      uid: uid(),
      name,
      title: typeof title === 'string' ? title : '',
      type: (TYPES as readonly unknown[]).includes(type) ? (type as FieldType) : 'string',
      required: required.has(name),
      format: typeof format === 'string' ? format : undefined,
      options: Array.isArray(en) ? en.map(String) : [],
      minLength: typeof minLength === 'number' ? minLength : null,
      maxLength: typeof maxLength === 'number' ? maxLength : null,
      pattern: typeof pattern === 'string' ? pattern : undefined,
      description: typeof description === 'string' ? description : undefined,
      rest,
    };
  });
}

function toSchema(fields: Field[], base: FormSchema): FormSchema {
  const properties: Record<string, unknown> = {};
  for (const f of fields) {
    const p: Record<string, unknown> = { type: f.type };
    if (f.title) p.title = f.title;
    if (f.description) p.description = f.description;
    if (f.options.length)
      p.enum =
        f.type === 'string'
          ? f.options
          : f.type === 'boolean'
            ? f.options.map((o) => o === 'true')
            : f.options.map(Number).filter((n) => Number.isFinite(n));
    if (f.type === 'string') {
      if (f.format) p.format = f.format;
      if (f.minLength != null) p.minLength = f.minLength;
      if (f.maxLength != null) p.maxLength = f.maxLength;
      if (f.pattern) p.pattern = f.pattern;
    }
    const rest = f.type === 'number' || f.type === 'integer' ? f.rest : {};
    properties[f.name] = { ...p, ...rest };
  }
  const required = fields.filter((f) => f.required).map((f) => f.name);
  const { properties: _p, required: _r, ...top } = base;
  return { ...top, type: 'object', properties, ...(required.length ? { required } : {}) };
}

/** Keeps a broken preview from taking the page down; resets when the schema changes. */
class PreviewBoundary extends Component<{ children: ReactNode; fallback: ReactNode; resetKey: string }> {
  state = { failed: false, key: '' };
  static getDerivedStateFromProps(props: { resetKey: string }, state: { failed: boolean; key: string }) {
    return props.resetKey !== state.key ? { failed: false, key: props.resetKey } : null;
  }
  static getDerivedStateFromError() {
    return { failed: true };
  }
  render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

export function FormDesigner({
  value,
  onChange,
  serverError,
}: {
  value: FormSchema;
  onChange: (schema: FormSchema) => void;
  /** A 400 of the server about `formSchema…`: field path and text. */
  serverError?: { field: string; text: string } | null;
}) {
  const { t } = usePrefs();
  const idBase = useId();
  const [fields, setFields] = useState<Field[]>(() => toFields(value));
  const [tab, setTab] = useState('visual');
  const [raw, setRaw] = useState(() => JSON.stringify(value, null, 2));
  const [rawError, setRawError] = useState<string | null>(null);
  const emitted = useRef<FormSchema>(value);
  const previewRef = useRef<CoreForm>(null);

  // a schema from outside (a loaded version, the raw tab) replaces the designer's rows
  useEffect(() => {
    if (value !== emitted.current) {
      emitted.current = value;
      setFields(toFields(value));
      setRaw(JSON.stringify(value, null, 2));
    }
  }, [value]);

  const update = (next: Field[]) => {
    setFields(next);
    const schema = toSchema(next, value);
    emitted.current = schema;
    setRaw(JSON.stringify(schema, null, 2));
    onChange(schema);
  };
  const patch = (i: number, p: Partial<Field>) => update(fields.map((f, j) => (j === i ? { ...f, ...p } : f)));
  const move = (i: number, d: -1 | 1) => {
    const next = [...fields];
    [next[i], next[i + d]] = [next[i + d], next[i]];
    update(next);
  };
  const add = () => {
    const taken = new Set(fields.map((f) => f.name));
    let n = fields.length + 1;
    while (taken.has(`field${n}`)) n++;
    update([
      ...fields,
      {
        uid: uid(),
        name: `field${n}`,
        title: t('catalogAdmin.designer.newField'),
        type: 'string',
        required: false,
        options: [],
        rest: {},
      },
    ]);
  };

  const nameProblem = (f: Field) => {
    if (!NAME_RE.test(f.name)) return t('catalogAdmin.designer.nameInvalid');
    if (fields.filter((x) => x.name === f.name).length > 1) return t('catalogAdmin.designer.nameTaken');
    return null;
  };

  const previewSchema = useMemo(() => value as RJSFSchema, [value]);
  const previewKey = useMemo(() => JSON.stringify(value), [value]);

  const visual = (
    <Space direction="vertical" style={{ width: '100%' }}>
      {fields.length === 0 ? (
        <Typography.Paragraph type="secondary">{t('catalogAdmin.designer.empty')}</Typography.Paragraph>
      ) : null}
      {fields.map((f, i) => {
        const id = `${idBase}-${f.uid}`;
        const problem = nameProblem(f);
        const label = f.title || f.name;
        return (
          <Card
            key={f.uid}
            size="small"
            title={t('catalogAdmin.designer.fieldN', { n: i + 1, title: label })}
            extra={
              <Space size={4}>
                <Button
                  size="small"
                  icon={<ArrowUpOutlined />}
                  disabled={i === 0}
                  onClick={() => move(i, -1)}
                  aria-label={t('catalogAdmin.moveUpLabel', { name: label })}
                />
                <Button
                  size="small"
                  icon={<ArrowDownOutlined />}
                  disabled={i === fields.length - 1}
                  onClick={() => move(i, 1)}
                  aria-label={t('catalogAdmin.moveDownLabel', { name: label })}
                />
                <Button
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  onClick={() => update(fields.filter((_, j) => j !== i))}
                  aria-label={t('catalogAdmin.removeLabel', { name: label })}
                />
              </Space>
            }
          >
            <Row gutter={[12, 8]}>
              <Col xs={24} md={12}>
                <label htmlFor={`${id}-title`}>{t('catalogAdmin.designer.title')}</label>
                <Input
                  id={`${id}-title`}
                  value={f.title}
                  maxLength={200}
                  onChange={(e) => patch(i, { title: e.target.value })}
                />
              </Col>
              <Col xs={24} md={12}>
                <label htmlFor={`${id}-name`}>{t('catalogAdmin.designer.name')}</label>
                <Input
                  id={`${id}-name`}
                  value={f.name}
                  status={problem ? 'error' : undefined}
                  aria-invalid={problem ? true : undefined}
                  aria-describedby={problem ? `${id}-name-err` : undefined}
                  onChange={(e) => patch(i, { name: e.target.value.trim() })}
                />
                {problem ? (
                  <Typography.Text type="danger" id={`${id}-name-err`}>
                    {problem}
                  </Typography.Text>
                ) : null}
              </Col>
              <Col xs={12} md={6}>
                <label htmlFor={`${id}-type`}>{t('catalogAdmin.designer.type')}</label>
                <Select
                  id={`${id}-type`}
                  style={{ width: '100%' }}
                  value={f.type}
                  onChange={(type) => patch(i, { type, options: [], format: undefined })}
                  options={TYPES.map((x) => ({ value: x, label: t(`catalogAdmin.designer.type.${x}` as MessageKey) }))}
                />
              </Col>
              <Col xs={12} md={6} style={{ display: 'flex', alignItems: 'flex-end' }}>
                <Checkbox checked={f.required} onChange={(e) => patch(i, { required: e.target.checked })}>
                  {t('catalogAdmin.designer.required')}
                </Checkbox>
              </Col>
              {f.type === 'string' ? (
                <Col xs={24} md={12}>
                  <label htmlFor={`${id}-format`}>{t('catalogAdmin.designer.format')}</label>
                  <Select
                    id={`${id}-format`}
                    style={{ width: '100%' }}
                    allowClear
                    value={f.format}
                    placeholder={t('catalogAdmin.designer.formatNone')}
                    onChange={(format) => patch(i, { format })}
                    options={FORMATS.map((x) => ({
                      value: x,
                      label: t(`catalogAdmin.designer.format.${x}` as MessageKey),
                    }))}
                  />
                </Col>
              ) : null}
              {f.type !== 'boolean' ? (
                <Col xs={24}>
                  <label htmlFor={`${id}-options`}>{t('catalogAdmin.designer.options')}</label>
                  <Select
                    id={`${id}-options`}
                    mode="tags"
                    style={{ width: '100%' }}
                    value={f.options}
                    tokenSeparators={[',', '，', '、']}
                    placeholder={t('catalogAdmin.designer.optionsHint')}
                    onChange={(options: string[]) => patch(i, { options })}
                    open={false}
                  />
                </Col>
              ) : null}
              {f.type === 'string' ? (
                <>
                  <Col xs={12} md={6}>
                    <label htmlFor={`${id}-min`}>{t('catalogAdmin.designer.minLength')}</label>
                    <InputNumber
                      id={`${id}-min`}
                      min={0}
                      precision={0}
                      style={{ width: '100%' }}
                      value={f.minLength}
                      onChange={(v) => patch(i, { minLength: v })}
                    />
                  </Col>
                  <Col xs={12} md={6}>
                    <label htmlFor={`${id}-max`}>{t('catalogAdmin.designer.maxLength')}</label>
                    <InputNumber
                      id={`${id}-max`}
                      min={0}
                      precision={0}
                      style={{ width: '100%' }}
                      value={f.maxLength}
                      onChange={(v) => patch(i, { maxLength: v })}
                    />
                  </Col>
                  <Col xs={24} md={12}>
                    <label htmlFor={`${id}-pattern`}>{t('catalogAdmin.designer.pattern')}</label>
                    <Input
                      id={`${id}-pattern`}
                      value={f.pattern ?? ''}
                      placeholder="^[0-9]{6}$"
                      onChange={(e) => patch(i, { pattern: e.target.value || undefined })}
                    />
                  </Col>
                </>
              ) : null}
            </Row>
          </Card>
        );
      })}
      <Button icon={<PlusOutlined />} onClick={add}>
        {t('catalogAdmin.designer.add')}
      </Button>
    </Space>
  );

  const rawTab = (
    <Space direction="vertical" style={{ width: '100%' }}>
      <label htmlFor={`${idBase}-raw`}>{t('catalogAdmin.designer.rawLabel')}</label>
      <Input.TextArea
        id={`${idBase}-raw`}
        value={raw}
        rows={18}
        spellCheck={false}
        style={{ fontFamily: 'monospace' }}
        aria-invalid={rawError ? true : undefined}
        onChange={(e) => {
          setRaw(e.target.value);
          try {
            const parsed = JSON.parse(e.target.value);
            if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
            setRawError(null);
            emitted.current = parsed;
            setFields(toFields(parsed));
            onChange(parsed);
          } catch {
            setRawError(t('catalogAdmin.designer.rawInvalid'));
          }
        }}
      />
      {rawError ? <Alert type="warning" showIcon title={rawError} /> : null}
    </Space>
  );

  return (
    <Row gutter={[24, 16]}>
      <Col xs={24} lg={13}>
        {serverError ? (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 12 }}
            title={t('common.pair', { label: serverError.field, value: serverError.text })}
          />
        ) : null}
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            { key: 'visual', label: t('catalogAdmin.designer.visual'), children: visual },
            { key: 'raw', label: t('catalogAdmin.designer.raw'), children: rawTab },
          ]}
        />
      </Col>
      <Col xs={24} lg={11}>
        <Card
          title={<h3 className="yw-card-title">{t('catalogAdmin.designer.preview')}</h3>}
          className="yw-form-preview"
          data-testid="form-preview"
        >
          <PreviewBoundary
            resetKey={previewKey}
            fallback={<Alert type="warning" showIcon title={t('catalogAdmin.designer.previewFailed')} />}
          >
            {/* a <div>, not a <form>: the preview sits inside the editor's form */}
            <Form
              ref={previewRef}
              tagName="div"
              schema={previewSchema}
              validator={validator}
              noHtml5Validate
              showErrorList={false}
            >
              <Button onClick={() => previewRef.current?.validateForm()}>
                {t('catalogAdmin.designer.tryValidate')}
              </Button>
            </Form>
          </PreviewBoundary>
        </Card>
      </Col>
    </Row>
  );
}
