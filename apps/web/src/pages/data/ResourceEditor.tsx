import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Checkbox, Form, Input, InputNumber, Modal, Select, Space } from 'antd';
import { errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { dataApi } from './api.ts';
import { NATIONAL_LABELS, OPEN_TYPES, SHARE_TYPES, UPDATE_CYCLES, useCodeOptions } from './codes.ts';

const opt = (vals: readonly string[]) => vals.map((v) => ({ value: v, label: v }));

/** Registers a data resource of the officer's department: catalog metadata and its fields (data items). */
export function ResourceEditor({ departmentId, onClose }: { departmentId: string | null; onClose: () => void }) {
  const { t, lang } = usePrefs();
  const codes = useCodeOptions();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const levels = useQuery({
    queryKey: ['data', 'levels'],
    queryFn: () =>
      dataApi.get<{
        levels: { code: string; name: string; nameEn?: string | null }[];
        maskRules: { code: string; name: string }[];
      }>('/levels'),
  });
  const save = useMutation({
    mutationFn: (v: any) =>
      dataApi.post('/resources', {
        ...v,
        providerDepartmentId: departmentId,
        classification: { class: v.class, item: v.item, catalog: v.catalog, detail: v.detail },
        class: undefined,
        item: undefined,
        catalog: undefined,
        detail: undefined,
        code: `${v.class}${v.item}${v.catalog}${v.detail}/${v.sequence}`,
        sequence: undefined,
      }),
    onSuccess: () => {
      message.success(t('data.saved'));
      qc.invalidateQueries({ queryKey: ['data', 'resources'] });
      onClose();
    },
    onError: (e: any) => {
      const field = e?.field as string | undefined;
      const name = field?.startsWith('fields.')
        ? ['fields', Number(field.split('.')[1]), field.split('.')[2]!]
        : field?.startsWith('classification.')
          ? field.split('.')[1]!
          : field === 'code'
            ? 'sequence'
            : field;
      if (name) form.setFields([{ name: name as any, errors: [errorText(e, lang)] }]);
      else message.error(errorText(e, lang));
    },
  });
  return (
    <Modal
      open
      width={1000}
      title={t('data.resource.register')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={{
          class: 3,
          item: '01',
          catalog: '001',
          detail: '001',
          updateCycle: '每月',
          shareType: '有条件共享',
          openType: '不予开放',
          fields: [
            { name: 'id', label: '编号', type: 'string', identifier: 'none', level: 'L1', nationalLabel: '一般' },
          ],
          keyField: 'id',
        }}
      >
        <Space wrap>
          <Form.Item name="class" label={t('data.catalog.class')}>
            <Select
              style={{ width: 120 }}
              options={[1, 2, 3].map((c) => ({ value: c, label: t(`data.class.${c}` as any) }))}
            />
          </Form.Item>
          <Form.Item name="item" label={t('data.resource.item')}>
            <Input style={{ width: 70 }} maxLength={2} />
          </Form.Item>
          <Form.Item name="catalog" label={t('data.resource.catalogPart')}>
            <Input style={{ width: 80 }} maxLength={3} />
          </Form.Item>
          <Form.Item name="detail" label={t('data.resource.detail')}>
            <Input style={{ width: 80 }} maxLength={3} />
          </Form.Item>
          <Form.Item
            name="sequence"
            label={t('data.resource.sequence')}
            rules={[{ required: true, pattern: /^\d{6}$/ }]}
          >
            <Input style={{ width: 110 }} maxLength={6} placeholder="000001" />
          </Form.Item>
        </Space>
        <Form.Item name="name" label={t('data.resource.name')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="abstract" label={t('data.resource.abstract')} rules={[{ required: true }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="updateCycle" label={t('data.catalog.updateCycle')}>
            <Select style={{ width: 120 }} options={codes('data.cycle', UPDATE_CYCLES)} />
          </Form.Item>
          <Form.Item name="shareType" label={t('data.catalog.shareType')}>
            <Select style={{ width: 180 }} options={codes('data.shareType', SHARE_TYPES)} />
          </Form.Item>
          <Form.Item name="openType" label={t('data.resource.openType')}>
            <Select style={{ width: 180 }} options={codes('data.open', OPEN_TYPES)} />
          </Form.Item>
          <Form.Item name="keyField" label={t('data.resource.keyField')} rules={[{ required: true }]}>
            <Input style={{ width: 160 }} />
          </Form.Item>
        </Space>
        <Form.Item name="shareConditions" label={t('data.resource.shareConditions')}>
          <Input />
        </Form.Item>
        <Form.Item name="openConditions" label={t('data.resource.openConditions')}>
          <Input />
        </Form.Item>
        <Form.List name="fields">
          {(items, { add, remove }) => (
            <>
              {items.map(({ key, name }) => (
                <Space key={key} wrap align="baseline">
                  <Form.Item name={[name, 'name']} rules={[{ required: true }]}>
                    <Input
                      placeholder={t('data.field.name')}
                      style={{ width: 120 }}
                      aria-label={t('data.field.name')}
                    />
                  </Form.Item>
                  <Form.Item name={[name, 'label']} rules={[{ required: true }]}>
                    <Input
                      placeholder={t('data.field.label')}
                      style={{ width: 120 }}
                      aria-label={t('data.field.label')}
                    />
                  </Form.Item>
                  <Form.Item name={[name, 'type']}>
                    <Select
                      style={{ width: 100 }}
                      options={opt(['string', 'integer', 'number', 'date', 'datetime', 'boolean'])}
                      aria-label={t('data.field.type')}
                    />
                  </Form.Item>
                  <Form.Item name={[name, 'identifier']}>
                    <Select
                      style={{ width: 110 }}
                      options={['none', 'direct', 'quasi'].map((v) => ({
                        value: v,
                        label: t(`data.identifier.${v}` as any),
                      }))}
                      aria-label={t('data.field.identifier')}
                    />
                  </Form.Item>
                  <Form.Item name={[name, 'level']}>
                    <Select
                      style={{ width: 100 }}
                      options={(levels.data?.levels ?? []).map((l) => ({
                        value: l.code,
                        label: lang === 'en' ? (l.nameEn ?? l.name) : l.name,
                      }))}
                      aria-label={t('data.field.level')}
                    />
                  </Form.Item>
                  <Form.Item name={[name, 'nationalLabel']}>
                    <Select
                      style={{ width: 110 }}
                      options={codes('data.national', NATIONAL_LABELS)}
                      aria-label={t('data.field.nationalLabel')}
                    />
                  </Form.Item>
                  <Form.Item name={[name, 'format']}>
                    <Select
                      allowClear
                      style={{ width: 120 }}
                      placeholder={t('data.field.format')}
                      options={opt(['ID_NUMBER', 'CREDIT_CODE', 'DATE', 'PHONE', 'DIVISION'])}
                      aria-label={t('data.field.format')}
                    />
                  </Form.Item>
                  <Form.Item name={[name, 'maskRule']}>
                    <Select
                      allowClear
                      style={{ width: 120 }}
                      placeholder={t('data.field.mask')}
                      options={(levels.data?.maskRules ?? []).map((m) => ({ value: m.code, label: m.code }))}
                      aria-label={t('data.field.mask')}
                    />
                  </Form.Item>
                  <Form.Item name={[name, 'required']} valuePropName="checked">
                    <Checkbox>{t('data.field.required')}</Checkbox>
                  </Form.Item>
                  <MinusCircleOutlined onClick={() => remove(name)} aria-label={t('data.field.remove')} />
                </Space>
              ))}
              <Button
                type="dashed"
                onClick={() => add({ type: 'string', identifier: 'none', level: 'L1', nationalLabel: '一般' })}
                icon={<PlusOutlined />}
              >
                {t('data.field.add')}
              </Button>
            </>
          )}
        </Form.List>
        <InputNumber style={{ display: 'none' }} />
      </Form>
    </Modal>
  );
}
