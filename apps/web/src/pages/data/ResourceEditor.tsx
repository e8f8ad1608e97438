import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Checkbox, Form, Input, Modal, Select, Space, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { dataApi, type Level, type Resource, type ResourceSummary } from './api.ts';
import {
  DIRECT_IDENTIFIER_MIN_RANK,
  ELEMENT,
  FIELD_FORMATS,
  FIELD_NAME,
  FIELD_TYPES,
  IDENTIFIER_KINDS,
  NATIONAL_LABELS,
  OPEN_TYPES,
  RESOURCE_CODE,
  SHARE_METHODS,
  SHARE_TYPES,
  UPDATE_CYCLES,
  useCodeOptions,
} from './codes.ts';

const opt = (vals: readonly string[]) => vals.map((v) => ({ value: v, label: v }));

/** A data item (field) as the form holds it. */
interface FieldRow {
  name: string;
  label: string;
  type: string;
  identifier: string;
  level: string;
  nationalLabel: string;
  format?: string;
  maskRule?: string;
  required?: boolean;
  unique?: boolean;
  element?: string;
  authoritative?: boolean;
  description?: string;
}

/** The form's values: the resource code in its parts, catalog metadata, fields. */
interface Values {
  class: number;
  item: string;
  catalog: string;
  detail: string;
  sequence: string;
  name: string;
  abstract: string;
  updateCycle: string;
  shareType: string;
  shareConditions?: string;
  shareMethod: string;
  openType: string;
  openConditions?: string;
  keyField: string;
  relatedCodes?: string[];
  fields: FieldRow[];
}

const NEW_FIELD: Omit<FieldRow, 'name' | 'label'> = {
  type: 'string',
  identifier: 'none',
  level: 'L1',
  nationalLabel: '一般',
  required: false,
  unique: false,
  authoritative: false,
};

const DEFAULTS: Partial<Values> = {
  class: 3,
  item: '01',
  catalog: '001',
  detail: '001',
  updateCycle: '每月',
  shareType: '有条件共享',
  shareMethod: '接口',
  openType: '不予开放',
  relatedCodes: [],
  fields: [{ ...NEW_FIELD, name: 'id', label: '编号' }],
  keyField: 'id',
};

function toValues(r: Resource): Values {
  return {
    class: r.classification.class,
    item: r.classification.item,
    catalog: r.classification.catalog,
    detail: r.classification.detail,
    sequence: r.code.split('/')[1] ?? '',
    name: r.name,
    abstract: r.abstract,
    updateCycle: r.updateCycle,
    shareType: r.shareType,
    shareConditions: r.shareConditions ?? '',
    shareMethod: r.shareMethod ?? '接口',
    openType: r.openType,
    openConditions: r.openConditions ?? '',
    keyField: r.keyField,
    relatedCodes: r.relatedCodes ?? [],
    fields: r.fields.map((f) => ({
      name: f.name,
      label: f.label,
      type: f.type,
      identifier: f.identifier,
      level: f.level,
      nationalLabel: f.nationalLabel,
      format: f.format ?? undefined,
      maskRule: f.maskRule ?? undefined,
      required: !!f.required,
      unique: !!f.unique,
      element: f.element ?? '',
      authoritative: !!f.authoritative,
      description: f.description ?? '',
    })),
  };
}

const textOrNull = (s?: string | null) => s?.trim() || null;

/** The body of POST and PUT /resources (without providerDepartmentId / expectedVersion). */
function toBody(v: Values) {
  return {
    code: `${v.class}${v.item}${v.catalog}${v.detail}/${v.sequence}`,
    name: v.name.trim(),
    abstract: v.abstract.trim(),
    classification: { class: v.class, item: v.item, catalog: v.catalog, detail: v.detail },
    updateCycle: v.updateCycle,
    shareType: v.shareType,
    shareConditions: textOrNull(v.shareConditions),
    shareMethod: v.shareMethod,
    openType: v.openType,
    openConditions: textOrNull(v.openConditions),
    keyField: v.keyField,
    relatedCodes: (v.relatedCodes ?? []).map((c) => c.trim()).filter(Boolean),
    fields: v.fields.map((f) => ({
      name: f.name,
      label: f.label.trim(),
      type: f.type,
      identifier: f.identifier,
      level: f.level,
      nationalLabel: f.nationalLabel,
      format: f.format ?? null,
      maskRule: f.maskRule ?? null,
      required: !!f.required,
      unique: !!f.unique,
      // an empty element is no element: '' would be counted as an element by the one-source report
      element: textOrNull(f.element),
      authoritative: !!f.authoritative,
      description: textOrNull(f.description),
    })),
  };
}

const TOP_LEVEL = new Set([
  'name',
  'abstract',
  'updateCycle',
  'shareType',
  'shareConditions',
  'shareMethod',
  'openType',
  'openConditions',
  'keyField',
  'relatedCodes',
]);

/**
 * The form item of the `field` a 400/409 answer names (`fields.2.element`, `classification.item`,
 * `code`, `relatedCodes.3`, …), or null when the form has none (the error is then shown as a message).
 */
export function formPathOf(field: string | undefined): string | (string | number)[] | null {
  if (!field) return null;
  const [head, second, third] = field.split('.');
  if (head === 'fields' && second !== undefined && /^\d+$/.test(second) && third)
    return ['fields', Number(second), third];
  if (head === 'classification' && second) return second === 'class' ? 'class' : second;
  if (head === 'code') return 'sequence';
  if (head && TOP_LEVEL.has(head)) return head;
  return null;
}

/**
 * Registers a data resource of the officer's department, or (with `resource`) changes one: catalog
 * metadata and its fields (data items), including the data element and authoritative source of each
 * field (一数一源). Changes are sent with the version they were made on (409 when it is stale).
 */
export function ResourceEditor({
  departmentId,
  resource,
  onClose,
}: {
  departmentId: string | null;
  resource?: Resource;
  onClose: () => void;
}) {
  const { t, lang } = usePrefs();
  const codes = useCodeOptions();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  // The version being edited: replaced by the latest one after a stale save.
  const [base, setBase] = useState<Resource | undefined>(resource);
  const [stale, setStale] = useState(false);
  const initialValues = useMemo(() => (base ? toValues(base) : DEFAULTS), [base]);
  // Field names as they were before the last change: a renamed key field takes the key with it.
  const names = useRef<(string | undefined)[]>([]);
  const shown = useRef(false);
  useEffect(() => {
    // a reloaded version replaces everything the officer typed (the first one is the form's own start)
    if (shown.current) form.resetFields();
    shown.current = true;
    names.current = (initialValues.fields ?? []).map((f) => f.name);
  }, [form, initialValues]);

  const levels = useQuery({
    queryKey: ['data', 'levels'],
    queryFn: () => dataApi.get<{ levels: Level[]; maskRules: { code: string; name: string }[] }>('/levels'),
  });
  const catalog = useQuery({
    queryKey: ['data', 'resources', 'options'],
    queryFn: () => dataApi.get<{ items: ResourceSummary[] }>('/resources', { pageSize: 100 }),
  });
  // The server refuses a new key field while the resource holds rows.
  const stats = useQuery({
    queryKey: ['data', 'stats', base?.id],
    queryFn: () => dataApi.get<{ rows: number }>(`/resources/${base!.id}/stats`),
    enabled: !!base,
  });
  const keyLocked = !!base && (stats.data?.rows ?? 0) > 0;

  const shareType = Form.useWatch('shareType', form);
  const openType = Form.useWatch('openType', form);
  const fields = (Form.useWatch('fields', form) ?? []) as (FieldRow | undefined)[];
  const pair = (a: string, b: string) => (lang === 'en' ? `${a} (${b})` : `${a}（${b}）`);
  const ownCode = base?.code;

  const save = useMutation({
    mutationFn: (v: Values) =>
      base
        ? dataApi.put<Resource>(`/resources/${encodeURIComponent(base.id)}`, {
            ...toBody(v),
            expectedVersion: base.version,
          })
        : dataApi.post<Resource>('/resources', { ...toBody(v), providerDepartmentId: departmentId }),
    onSuccess: () => {
      message.success(t('data.saved'));
      qc.invalidateQueries({ queryKey: ['data', 'resources'] });
      qc.invalidateQueries({ queryKey: ['data', 'resource'] });
      onClose();
    },
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'CONCURRENT_UPDATE') {
        setStale(true);
        return;
      }
      const name = formPathOf(e instanceof ApiError ? e.field : undefined);
      if (name) {
        form.setFields([{ name: name as any, errors: [errorText(e, lang)] }]);
        form.scrollToField(name as any);
      } else message.error(errorText(e, lang));
    },
  });
  const reload = useMutation({
    mutationFn: () => dataApi.get<Resource>(`/resources/${encodeURIComponent(base!.id)}`),
    onSuccess: (fresh) => {
      qc.invalidateQueries({ queryKey: ['data', 'resource'] });
      setStale(false);
      if (fresh.status !== 'active') {
        message.warning(t('data.resource.retiredNote'));
        onClose();
      } else setBase(fresh);
    },
    onError: (e) => message.error(errorText(e, lang)),
  });

  const levelOf = (code: string | undefined) => levels.data?.levels.find((l) => l.code === code);
  return (
    <Modal
      open
      width={1200}
      title={resource ? t('data.resource.editTitle', { name: resource.name }) : t('data.resource.register')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ disabled: stale }}
      confirmLoading={save.isPending}
      // next to the buttons: the officer just clicked OK there, the top of a long form may be out of view
      footer={(buttons) => (
        <>
          {stale ? (
            <Alert
              type="error"
              showIcon
              style={{ marginBottom: 12, textAlign: 'start' }}
              title={t('data.resource.stale')}
              action={
                <Button size="small" loading={reload.isPending} onClick={() => reload.mutate()}>
                  {t('data.resource.reload')}
                </Button>
              }
            />
          ) : null}
          {buttons}
        </>
      )}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={initialValues}
        onValuesChange={(changed: Partial<Values>, all: Values) => {
          const now = (all.fields ?? []).map((f) => f?.name);
          const at = names.current.indexOf(all.keyField);
          if (
            changed.fields &&
            !keyLocked &&
            at >= 0 &&
            now.length === names.current.length &&
            now[at] !== all.keyField
          )
            form.setFieldValue('keyField', now[at]);
          names.current = now;
        }}
      >
        <Space wrap>
          <Form.Item name="class" label={t('data.catalog.class')}>
            <Select
              style={{ width: 120 }}
              options={[1, 2, 3].map((c) => ({ value: c, label: t(`data.class.${c}` as any) }))}
            />
          </Form.Item>
          <Form.Item
            name="item"
            label={t('data.resource.item')}
            rules={[{ required: true, pattern: /^\d{2}$/, message: t('data.resource.digits', { n: 2 }) }]}
          >
            <Input style={{ width: 70 }} maxLength={2} />
          </Form.Item>
          <Form.Item
            name="catalog"
            label={t('data.resource.catalogPart')}
            rules={[{ required: true, pattern: /^\d{3}$/, message: t('data.resource.digits', { n: 3 }) }]}
          >
            <Input style={{ width: 80 }} maxLength={3} />
          </Form.Item>
          <Form.Item
            name="detail"
            label={t('data.resource.detail')}
            rules={[{ required: true, pattern: /^\d{3}$/, message: t('data.resource.digits', { n: 3 }) }]}
          >
            <Input style={{ width: 80 }} maxLength={3} />
          </Form.Item>
          <Form.Item
            name="sequence"
            label={t('data.resource.sequence')}
            rules={[
              {
                validator: async (_, v?: string) => {
                  if (!v || !/^\d{6}$/.test(v) || v === '000000') throw new Error(t('data.resource.sequenceInvalid'));
                },
              },
            ]}
          >
            <Input style={{ width: 110 }} maxLength={6} placeholder="000001" />
          </Form.Item>
        </Space>
        <Form.Item name="name" label={t('data.resource.name')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="abstract" label={t('data.resource.abstract')} rules={[{ required: true, whitespace: true }]}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="updateCycle" label={t('data.catalog.updateCycle')}>
            <Select style={{ width: 120 }} options={codes('data.cycle', UPDATE_CYCLES)} />
          </Form.Item>
          <Form.Item name="shareType" label={t('data.catalog.shareType')}>
            <Select style={{ width: 190 }} options={codes('data.shareType', SHARE_TYPES)} />
          </Form.Item>
          <Form.Item name="shareMethod" label={t('data.resource.shareMethod')} rules={[{ required: true }]}>
            <Select style={{ width: 160 }} options={codes('data.shareMethod', SHARE_METHODS)} />
          </Form.Item>
          <Form.Item name="openType" label={t('data.resource.openType')}>
            <Select style={{ width: 190 }} options={codes('data.open', OPEN_TYPES)} />
          </Form.Item>
          <Form.Item
            name="keyField"
            label={t('data.resource.keyField')}
            extra={keyLocked ? t('data.resource.keyFieldLocked') : undefined}
            rules={[
              { required: true },
              {
                validator: async (_, v?: string) => {
                  const names = (form.getFieldValue('fields') ?? []).map((f: FieldRow | undefined) => f?.name);
                  if (v && !names.includes(v)) throw new Error(t('data.resource.keyFieldUnknown'));
                },
              },
            ]}
          >
            <Select
              style={{ width: 240 }}
              disabled={keyLocked}
              options={fields
                .filter((f): f is FieldRow => !!f?.name)
                .map((f) => ({ value: f.name, label: f.label ? pair(f.name, f.label) : f.name }))}
            />
          </Form.Item>
        </Space>
        <Form.Item
          name="shareConditions"
          label={t('data.resource.shareConditions')}
          rules={[
            {
              required: shareType !== '无条件共享',
              whitespace: true,
              message: t('data.resource.shareConditionsRequired'),
            },
          ]}
        >
          <Input maxLength={2000} />
        </Form.Item>
        <Form.Item
          name="openConditions"
          label={t('data.resource.openConditions')}
          rules={[
            {
              required: openType === '有条件开放',
              whitespace: true,
              message: t('data.resource.openConditionsRequired'),
            },
          ]}
        >
          <Input maxLength={2000} />
        </Form.Item>
        <Form.Item
          name="relatedCodes"
          label={t('data.resource.relatedCodes')}
          extra={t('data.resource.relatedCodesHelp')}
          rules={[
            {
              validator: async (_, v?: string[]) => {
                const list = v ?? [];
                if (list.length > 50) throw new Error(t('data.resource.relatedCodesTooMany'));
                const bad = list.filter((c) => !RESOURCE_CODE.test(c.trim()) || c.trim() === ownCode);
                if (bad.length) throw new Error(t('data.resource.relatedCodeInvalid', { codes: bad.join('、') }));
              },
            },
          ]}
        >
          <Select
            mode="tags"
            tokenSeparators={[',', '，', '、', ' ']}
            optionFilterProp="label"
            options={(catalog.data?.items ?? [])
              .filter((r) => r.code !== ownCode)
              .map((r) => ({ value: r.code, label: `${r.code} ${r.name}` }))}
          />
        </Form.Item>
        <Typography.Title level={5}>{t('data.tab.fields')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('data.field.intro')}</Typography.Paragraph>
        <Form.List
          name="fields"
          rules={[
            {
              validator: async (_, list?: unknown[]) => {
                if (!list?.length) throw new Error(t('data.field.none'));
              },
            },
          ]}
        >
          {(items, { add, remove }, { errors }) => (
            <>
              {items.map(({ key, name }, index) => {
                const row = fields[name];
                const title = t('data.field.numbered', { n: index + 1 });
                return (
                  <Card
                    key={key}
                    size="small"
                    role="group"
                    aria-label={title}
                    style={{ marginBottom: 12 }}
                    title={row?.name ? `${title} · ${row.label ? pair(row.name, row.label) : row.name}` : title}
                    extra={
                      <Button
                        type="text"
                        danger
                        icon={<MinusCircleOutlined />}
                        aria-label={t('data.field.remove')}
                        title={t('data.field.remove')}
                        disabled={items.length === 1}
                        onClick={() => remove(name)}
                      />
                    }
                  >
                    <Space wrap align="start">
                      <Form.Item
                        name={[name, 'name']}
                        label={t('data.field.name')}
                        rules={[
                          { required: true },
                          { pattern: FIELD_NAME, message: t('data.field.nameInvalid') },
                          ({ getFieldValue }) => ({
                            validator: async (_, v?: string) => {
                              const all = (getFieldValue('fields') ?? []) as (FieldRow | undefined)[];
                              if (v && all.filter((f) => f?.name === v).length > 1)
                                throw new Error(t('data.field.nameDuplicate', { name: v }));
                            },
                          }),
                        ]}
                      >
                        <Input style={{ width: 140 }} maxLength={63} placeholder="id_number" />
                      </Form.Item>
                      <Form.Item
                        name={[name, 'label']}
                        label={t('data.field.label')}
                        rules={[{ required: true, whitespace: true }]}
                      >
                        <Input style={{ width: 130 }} maxLength={100} />
                      </Form.Item>
                      <Form.Item name={[name, 'type']} label={t('data.field.type')}>
                        <Select style={{ width: 100 }} options={opt(FIELD_TYPES)} />
                      </Form.Item>
                      <Form.Item name={[name, 'identifier']} label={t('data.field.identifier')}>
                        <Select
                          style={{ width: 150 }}
                          options={IDENTIFIER_KINDS.map((v) => ({ value: v, label: t(`data.identifier.${v}` as any) }))}
                        />
                      </Form.Item>
                      <Form.Item
                        name={[name, 'level']}
                        label={t('data.field.level')}
                        dependencies={[['fields', name, 'identifier']]}
                        rules={[
                          { required: true },
                          ({ getFieldValue }) => ({
                            validator: async (_, v?: string) => {
                              const rank = levelOf(v)?.rank;
                              if (
                                getFieldValue(['fields', name, 'identifier']) === 'direct' &&
                                rank !== undefined &&
                                rank < DIRECT_IDENTIFIER_MIN_RANK
                              )
                                throw new Error(t('data.field.directNeedsLevel'));
                            },
                          }),
                        ]}
                      >
                        <Select
                          style={{ width: 140 }}
                          options={(levels.data?.levels ?? []).map((l) => ({
                            value: l.code,
                            label: lang === 'en' ? (l.nameEn ?? l.name) : l.name,
                          }))}
                        />
                      </Form.Item>
                      <Form.Item name={[name, 'nationalLabel']} label={t('data.field.nationalLabel')}>
                        <Select style={{ width: 100 }} options={codes('data.national', NATIONAL_LABELS)} />
                      </Form.Item>
                      <Form.Item name={[name, 'format']} label={t('data.field.format')}>
                        <Select allowClear style={{ width: 130 }} options={opt(FIELD_FORMATS)} />
                      </Form.Item>
                      <Form.Item name={[name, 'maskRule']} label={t('data.field.mask')}>
                        <Select
                          allowClear
                          style={{ width: 140 }}
                          options={(levels.data?.maskRules ?? []).map((m) => ({ value: m.code, label: m.code }))}
                        />
                      </Form.Item>
                    </Space>
                    <Space wrap align="start">
                      <Form.Item
                        name={[name, 'element']}
                        label={t('data.field.element')}
                        tooltip={t('data.field.elementHelp')}
                        rules={[{ pattern: ELEMENT, message: t('data.field.elementInvalid') }]}
                      >
                        <Input
                          style={{ width: 240 }}
                          maxLength={100}
                          placeholder={t('data.field.elementPlaceholder')}
                        />
                      </Form.Item>
                      <Form.Item
                        name={[name, 'authoritative']}
                        label={t('data.field.authoritative')}
                        tooltip={t('data.field.authoritativeHelp')}
                        valuePropName="checked"
                        style={{ width: 130 }}
                        dependencies={[['fields', name, 'element']]}
                        rules={[
                          ({ getFieldValue }) => ({
                            validator: async (_, v?: boolean) => {
                              const element = getFieldValue(['fields', name, 'element']) as string | undefined;
                              if (v && !element?.trim()) throw new Error(t('data.field.authoritativeNeedsElement'));
                            },
                          }),
                        ]}
                      >
                        <Checkbox />
                      </Form.Item>
                      <Form.Item
                        name={[name, 'required']}
                        label={t('data.field.required')}
                        valuePropName="checked"
                        style={{ width: 70 }}
                      >
                        <Checkbox />
                      </Form.Item>
                      <Form.Item
                        name={[name, 'unique']}
                        label={t('data.field.unique')}
                        valuePropName="checked"
                        style={{ width: 70 }}
                      >
                        <Checkbox />
                      </Form.Item>
                      <Form.Item name={[name, 'description']} label={t('data.field.description')}>
                        <Input style={{ width: 560 }} maxLength={1000} />
                      </Form.Item>
                    </Space>
                  </Card>
                );
              })}
              <Form.ErrorList errors={errors} />
              <Button type="dashed" onClick={() => add({ ...NEW_FIELD })} icon={<PlusOutlined />}>
                {t('data.field.add')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}
