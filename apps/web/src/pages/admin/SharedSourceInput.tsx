/**
 * The data source of a SHARED_DATA material (免证明, docs/data.md "No-proof services"), edited as a
 * structured dialog instead of JSON: the data resource (searched in the data catalog), the fields
 * shown to the applicant, an optional condition that proves the material, and which form fields are
 * pre-filled from which data fields. The value is the source as JSON text (the editor's `sourceText`).
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Col, Form, Input, Modal, Row, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { type MessageKey, usePrefs } from '../../i18n/index.tsx';
import { type Page, ServerSearchSelect } from './common.tsx';

const OPS = ['eq', 'ne', 'in', 'within', 'gt', 'gte', 'lt', 'lte', 'exists'] as const;
type Op = (typeof OPS)[number];

export interface SharedSource {
  resourceCode: string;
  fields?: string[];
  predicate?: { field: string; op: Op; value?: unknown };
  prefill?: Record<string, string>;
}

interface ResourceSummary {
  id: string;
  code: string;
  name: string;
  providerDepartmentName: string;
}
interface ResourceDetail extends ResourceSummary {
  fields: { name: string; label: string }[];
}

export function parseSource(text: unknown): SharedSource | null {
  if (typeof text !== 'string' || !text.trim()) return null;
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) && typeof v.resourceCode === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** A resource of the data catalog by its code, with its fields. */
function useResource(code: string | undefined) {
  return useQuery({
    queryKey: ['data', 'resource-by-code', code],
    enabled: !!code,
    staleTime: 60_000,
    queryFn: async () => {
      const found = await api.get<Page<ResourceSummary>>('/data/resources', { q: code, pageSize: 20 });
      const hit = found.items.find((r) => r.code === code);
      return hit ? api.get<ResourceDetail>(`/data/resources/${hit.id}`) : null;
    },
  });
}

function ResourceSelect(field: { id?: string; value?: string; onChange?: (v: string) => void }) {
  return (
    <ServerSearchSelect
      {...field}
      queryKey={['data', 'resources', 'search']}
      search={async (q) =>
        (await api.get<Page<ResourceSummary>>('/data/resources', { q: q || undefined, pageSize: 20 })).items.map(
          (r) => ({ value: r.code, label: `${r.name}（${r.code}，${r.providerDepartmentName}）` }),
        )
      }
    />
  );
}

/** The data module's check of a source against the item department's standing grant (`POST /data/no-proof/check`). */
export interface SourceCheck {
  resource: { id: string; code: string; name: string; provider: string };
  grant: { id: string; mode: 'rows' | 'predicate'; periodTo: string; grantedFields: string[] } | null;
  pending: { id: string; dueDay: string | null } | null;
  usable: boolean;
  problems: { field: string; code: string; blocking: boolean; messageZh: string; messageEn: string }[];
}

/** The same check applying runs: what the editor warns about is what applicants would meet. */
function useSourceCheck(departmentId: string | undefined, source: SharedSource | null) {
  // The predicate's value does not change the check; leave it out of the key so typing it does not refetch.
  const key = source && { ...source, predicate: source.predicate && { ...source.predicate, value: undefined } };
  return useQuery({
    queryKey: ['data', 'no-proof-check', departmentId, JSON.stringify(key)],
    enabled: !!departmentId && !!source?.resourceCode,
    staleTime: 10_000,
    retry: false,
    queryFn: () => api.post<SourceCheck>('/data/no-proof/check', { departmentId, source }),
  });
}

/** The grant and the problems of a checked source: blocking ones in red, limits in amber. */
function CheckResult({ check, compact }: { check: SourceCheck; compact?: boolean }) {
  const { t, lang } = usePrefs();
  const msg = (x: SourceCheck['problems'][number]) => (lang === 'en' ? x.messageEn : x.messageZh);
  const ask = (
    <Link to={`/data?tab=catalog&resource=${encodeURIComponent(check.resource.id)}`}>
      {t('catalogAdmin.source.askGrant')}
    </Link>
  );
  const grantLine = check.grant
    ? t('catalogAdmin.source.granted', { to: check.grant.periodTo })
    : check.pending
      ? t('catalogAdmin.source.pending', { due: check.pending.dueDay ?? '—' })
      : null;
  if (compact)
    return (
      <Space orientation="vertical" size={0} role="status">
        {check.problems.map((x) => (
          <Typography.Text key={`${x.field}:${x.code}`} type={x.blocking ? 'danger' : 'warning'}>
            {msg(x)}
          </Typography.Text>
        ))}
        {!check.grant && (
          <span>
            {grantLine ? <Typography.Text type="secondary">{grantLine} </Typography.Text> : null}
            {ask}
          </span>
        )}
      </Space>
    );
  return (
    <Alert
      showIcon
      type={!check.usable ? 'error' : check.problems.length ? 'warning' : 'success'}
      title={
        !check.usable
          ? t('catalogAdmin.source.unusable')
          : check.problems.length
            ? t('catalogAdmin.source.limited')
            : t('catalogAdmin.source.usable')
      }
      description={
        <Space orientation="vertical" size={0}>
          {grantLine ? <span>{grantLine}</span> : null}
          {check.problems.map((x) => (
            <span key={`${x.field}:${x.code}`}>{msg(x)}</span>
          ))}
          {!check.grant && ask}
        </Space>
      }
    />
  );
}

interface DialogValues {
  resourceCode?: string;
  fields?: string[];
  predicateField?: string;
  op?: Op;
  value?: string;
  prefill?: { formField?: string; dataField?: string }[];
}

const valueText = (v: unknown) => (Array.isArray(v) ? v.join(',') : v == null ? '' : String(v));

function toSource(v: DialogValues): SharedSource {
  const out: SharedSource = { resourceCode: v.resourceCode ?? '' };
  if (v.fields?.length) out.fields = v.fields;
  if (v.predicateField && v.op) {
    const raw = (v.value ?? '').trim();
    let value: unknown = raw;
    if (v.op === 'exists') value = undefined;
    else if (v.op === 'in')
      value = raw
        .split(/[,，、]/)
        .map((x) => x.trim())
        .filter(Boolean);
    else if (['gt', 'gte', 'lt', 'lte'].includes(v.op) && /^-?\d+(\.\d+)?$/.test(raw)) value = Number(raw);
    out.predicate = { field: v.predicateField, op: v.op, ...(value === undefined ? {} : { value }) };
  }
  const prefill = (v.prefill ?? []).filter((x) => x.formField && x.dataField);
  if (prefill.length)
    out.prefill = Object.fromEntries(prefill.map((x) => [x.formField as string, x.dataField as string]));
  return out;
}

interface Props {
  id?: string;
  value?: string;
  onChange?: (v: string) => void;
  'aria-label'?: string;
  /** The item's form fields (name and title), the targets of pre-filling. */
  formFields: { name: string; title: string }[];
  /** The item's department, whose standing grant the source is checked against. */
  departmentId?: string;
}

/** Summary of the source and a button opening the dialog that edits it. */
export function SharedSourceInput({ id, value, onChange, 'aria-label': ariaLabel, formFields, departmentId }: Props) {
  const { t } = usePrefs();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<DialogValues>();
  const src = parseSource(value);
  const shown = useResource(src?.resourceCode);
  const chosenCode = Form.useWatch('resourceCode', form);
  const chosen = useResource(open ? chosenCode : undefined);
  const op = Form.useWatch('op', form);
  const predicateField = Form.useWatch('predicateField', form);
  const checked = useSourceCheck(departmentId, src);
  const dialogValues = Form.useWatch([], form) as DialogValues | undefined;
  const drafted = useSourceCheck(
    open ? departmentId : undefined,
    dialogValues?.resourceCode ? toSource(dialogValues) : null,
  );
  const dataFields = (chosen.data?.fields ?? []).map((f) => ({ value: f.name, label: `${f.label}（${f.name}）` }));

  const start = () => {
    form.resetFields();
    form.setFieldsValue({
      resourceCode: src?.resourceCode,
      fields: src?.fields ?? [],
      predicateField: src?.predicate?.field,
      op: src?.predicate?.op,
      value: valueText(src?.predicate?.value),
      prefill: Object.entries(src?.prefill ?? {}).map(([formField, dataField]) => ({ formField, dataField })),
    });
    setOpen(true);
  };

  const summary = src
    ? t('catalogAdmin.source.summary', {
        resource: shown.data ? shown.data.name : src.resourceCode,
        n: src.fields?.length ?? 0,
      }) + (src.predicate ? t('catalogAdmin.source.summaryCheck') : '')
    : t('catalogAdmin.source.none');

  return (
    <Space orientation="vertical" size={4} style={{ width: 240 }}>
      <Typography.Text id={id} type={src ? undefined : 'secondary'}>
        {summary}
        {src && shown.isSuccess && !shown.data && (
          <Typography.Text type="danger">
            {' '}
            {t('catalogAdmin.source.unknownResource', { code: src.resourceCode })}
          </Typography.Text>
        )}
      </Typography.Text>
      {src && checked.data && <CheckResult check={checked.data} compact />}
      <Button size="small" onClick={start} aria-label={ariaLabel}>
        {t('catalogAdmin.source.configure')}
      </Button>
      <Modal
        open={open}
        title={t('catalogAdmin.source.title')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        width={760}
        destroyOnHidden
      >
        <Form
          form={form}
          name="sharedSource"
          layout="vertical"
          onFinish={(v) => {
            onChange?.(JSON.stringify(toSource(v)));
            setOpen(false);
          }}
        >
          <Form.Item
            label={t('catalogAdmin.source.resource')}
            name="resourceCode"
            extra={t('catalogAdmin.source.resourceHint')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <ResourceSelect />
          </Form.Item>
          <Form.Item label={t('catalogAdmin.source.fields')} name="fields">
            <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} options={dataFields} />
          </Form.Item>
          <Typography.Paragraph strong style={{ marginBottom: 8 }}>
            {t('catalogAdmin.source.predicate')}
          </Typography.Paragraph>
          <Row gutter={12}>
            <Col xs={24} md={9}>
              <Form.Item label={t('catalogAdmin.source.predicateField')} name="predicateField">
                <Select
                  allowClear
                  placeholder={t('catalogAdmin.source.noPredicate')}
                  showSearch={{ optionFilterProp: 'label' }}
                  options={dataFields}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item
                label={t('catalogAdmin.source.op')}
                name="op"
                rules={[{ required: !!predicateField, message: t('form.required') }]}
              >
                <Select
                  disabled={!predicateField}
                  showSearch={{ optionFilterProp: 'label' }}
                  options={OPS.map((o) => ({ value: o, label: t(`catalogAdmin.source.op.${o}` as MessageKey) }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={9}>
              <Form.Item
                label={t('catalogAdmin.source.value')}
                name="value"
                extra={
                  op === 'in'
                    ? t('catalogAdmin.source.valueHint.in')
                    : op === 'within'
                      ? t('catalogAdmin.source.valueHint.within')
                      : undefined
                }
                rules={[
                  {
                    required: !!predicateField && !!op && op !== 'exists',
                    whitespace: true,
                    message: t('form.required'),
                  },
                  ...(op === 'within' ? [{ pattern: /^\d{6}(\d{3}|\d{6})?$/, message: t('regions.codeInvalid') }] : []),
                ]}
              >
                <Input disabled={!predicateField || op === 'exists'} />
              </Form.Item>
            </Col>
          </Row>
          <Form.List name="prefill">
            {(rows, { add, remove }) => (
              <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
                <legend style={{ fontSize: 14, fontWeight: 600, marginBottom: 8 }}>
                  {t('catalogAdmin.source.prefill')}
                </legend>
                {rows.map((r) => (
                  <Row gutter={12} key={r.key} wrap={false} align="top">
                    <Col flex="1 1 0">
                      <Form.Item
                        label={t('catalogAdmin.source.formField')}
                        name={[r.name, 'formField']}
                        rules={[{ required: true, message: t('form.required') }]}
                      >
                        <Select
                          showSearch={{ optionFilterProp: 'label' }}
                          options={formFields.map((f) => ({ value: f.name, label: `${f.title}（${f.name}）` }))}
                        />
                      </Form.Item>
                    </Col>
                    <Col flex="1 1 0">
                      <Form.Item
                        label={t('catalogAdmin.source.dataField')}
                        name={[r.name, 'dataField']}
                        rules={[{ required: true, message: t('form.required') }]}
                      >
                        <Select showSearch={{ optionFilterProp: 'label' }} options={dataFields} />
                      </Form.Item>
                    </Col>
                    <Col flex="none" style={{ paddingTop: 30 }}>
                      <Button
                        icon={<DeleteOutlined />}
                        onClick={() => remove(r.name)}
                        aria-label={t('catalogAdmin.source.removePrefill', { n: r.name + 1 })}
                      />
                    </Col>
                  </Row>
                ))}
                <Button size="small" icon={<PlusOutlined />} onClick={() => add({})}>
                  {t('catalogAdmin.source.addPrefill')}
                </Button>
              </fieldset>
            )}
          </Form.List>
          {drafted.data && (
            <div style={{ marginTop: 16 }}>
              <CheckResult check={drafted.data} />
            </div>
          )}
        </Form>
      </Modal>
    </Space>
  );
}
