/** /admin/seals — 电子印章: seals with their certificates from the platform CA; create, suspend, reactivate, revoke. */
import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Modal,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useState } from 'react';
import { ApiError, api, applyFormError, errorText, fileToBase64 } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { PageTitle } from '../admin/common.tsx';
import { useDepartments } from '../admin/Departments.tsx';
import {
  dateTime,
  dayOf,
  labelOf,
  SEAL_ALGORITHMS,
  SEAL_TYPES,
  type SealAlgorithm,
  type SealStatus,
  type SealType,
  type SealView,
} from './model.ts';
import './licences.css';

const STATUS_COLOR: Record<SealStatus, string> = { active: 'success', suspended: 'warning', revoked: 'error' };

export default function AdminSealsPage() {
  const { t, lang } = usePrefs();
  const [departmentId, setDepartmentId] = useState<string | undefined>();
  const departments = useDepartments();
  const seals = useQuery({
    queryKey: ['licences', 'seals', departmentId ?? ''],
    queryFn: () => api.get<SealView[]>('/licences/seals', { departmentId }),
  });
  const [creating, setCreating] = useState(false);
  const [changing, setChanging] = useState<{ seal: SealView; status: SealStatus } | null>(null);

  return (
    <>
      <PageTitle>{t('admin.menu.seals')}</PageTitle>
      <Typography.Paragraph type="secondary">{t('licences.seals.intro')}</Typography.Paragraph>
      <div className="yw-toolbar">
        <Space wrap>
          <Select
            aria-label={t('licences.seals.departmentFilter')}
            placeholder={t('licences.seals.departmentFilter')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            style={{ minWidth: 260 }}
            value={departmentId}
            onChange={setDepartmentId}
            options={(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
          />
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)}>
            {t('licences.seals.create')}
          </Button>
        </Space>
      </div>
      {seals.error ? (
        <Alert type="error" showIcon title={errorText(seals.error, lang)} style={{ marginBottom: 16 }} />
      ) : null}
      <Table<SealView>
        rowKey="id"
        loading={seals.isFetching}
        dataSource={seals.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: true }}
        locale={{ emptyText: t('licences.seals.empty') }}
        expandable={{
          expandedRowRender: (s) => (
            <Descriptions
              size="small"
              column={1}
              items={[
                {
                  key: 'serial',
                  label: t('licences.seals.serial'),
                  children: <code className="yw-licence-code">{s.certSerial}</code>,
                },
                {
                  key: 'fp',
                  label: t('licences.seals.fingerprint'),
                  children: <code className="yw-licence-code">{s.certFingerprint}</code>,
                },
                {
                  key: 'pem',
                  label: t('licences.seals.certificate'),
                  children: (
                    <Typography.Paragraph copyable={{ text: s.certPem }} style={{ margin: 0 }}>
                      <pre className="yw-json">{s.certPem}</pre>
                    </Typography.Paragraph>
                  ),
                },
                ...(s.statusReason
                  ? [{ key: 'reason', label: t('licences.statusReason'), children: s.statusReason }]
                  : []),
                { key: 'created', label: t('common.createdAt'), children: dateTime(s.createdAt) },
              ]}
            />
          ),
        }}
        columns={[
          {
            title: t('licences.seals.picture'),
            dataIndex: 'picture',
            render: (src: string, s) => (
              <img className="yw-seal-picture" src={src} alt={t('licences.seals.pictureOf', { name: s.name })} />
            ),
          },
          {
            title: t('licences.seals.name'),
            dataIndex: 'name',
            width: 240,
            render: (v: string, s) => (
              <Space orientation="vertical" size={0}>
                <span>{v}</span>
                <Typography.Text type="secondary">{s.departmentName}</Typography.Text>
              </Space>
            ),
          },
          {
            title: t('licences.seals.type'),
            dataIndex: 'sealType',
            render: (v: string) => labelOf(t, 'licences.sealType', v),
          },
          {
            title: t('licences.seals.algorithm'),
            dataIndex: 'algorithm',
            render: (v: string) => labelOf(t, 'licences.alg', v),
          },
          {
            title: t('licences.seals.validity'),
            key: 'validity',
            render: (_: unknown, s) => `${dayOf(s.validFrom)} – ${dayOf(s.validTo)}`,
          },
          {
            title: t('licences.f.status'),
            dataIndex: 'status',
            render: (v: SealStatus, s) => (
              <Space orientation="vertical" size={2}>
                <Tag color={STATUS_COLOR[v] ?? 'default'}>{labelOf(t, 'licences.sealStatus', v)}</Tag>
                {new Date(s.validTo) < new Date() ? <Tag color="warning">{t('licences.seals.expired')}</Tag> : null}
              </Space>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, s) =>
              s.status === 'revoked' ? null : (
                <Space orientation="vertical" size={4}>
                  {s.status === 'active' ? (
                    <Button
                      size="small"
                      onClick={() => setChanging({ seal: s, status: 'suspended' })}
                      aria-label={t('licences.seals.suspendOf', { name: s.name })}
                    >
                      {t('licences.seals.suspend')}
                    </Button>
                  ) : (
                    <Button
                      size="small"
                      onClick={() => setChanging({ seal: s, status: 'active' })}
                      aria-label={t('licences.seals.activateOf', { name: s.name })}
                    >
                      {t('licences.seals.activate')}
                    </Button>
                  )}
                  <Button
                    size="small"
                    danger
                    onClick={() => setChanging({ seal: s, status: 'revoked' })}
                    aria-label={t('licences.seals.revokeOf', { name: s.name })}
                  >
                    {t('licences.seals.revoke')}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      {creating ? <CreateSeal onClose={() => setCreating(false)} /> : null}
      {changing ? <SealStatusDialog {...changing} onClose={() => setChanging(null)} /> : null}
    </>
  );
}

interface SealForm {
  departmentId: string;
  name?: string;
  sealType: SealType;
  algorithm: SealAlgorithm;
  validFrom?: Dayjs | null;
  validTo: Dayjs;
}

function CreateSeal({ onClose }: { onClose: () => void }) {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const departments = useDepartments();
  const [form] = Form.useForm<SealForm>();
  const [busy, setBusy] = useState(false);
  const [png, setPng] = useState<{ name: string; base64: string } | null>(null);
  const [pngError, setPngError] = useState<string | null>(null);

  const pick = async (file: File) => {
    setPngError(null);
    if (file.type !== 'image/png' && !file.name.toLowerCase().endsWith('.png')) {
      setPngError(t('licences.seals.pngOnly'));
      return;
    }
    if (file.size > 2 * 1024 * 1024) {
      setPngError(t('licences.seals.pngTooBig'));
      return;
    }
    setPng({ name: file.name, base64: await fileToBase64(file) });
  };

  const send = async (v: SealForm) => {
    setBusy(true);
    try {
      await api.post<SealView>('/licences/seals', {
        departmentId: v.departmentId,
        ...(v.name?.trim() ? { name: v.name.trim() } : {}),
        sealType: v.sealType,
        algorithm: v.algorithm,
        ...(v.validFrom ? { validFrom: v.validFrom.startOf('day').toISOString() } : {}),
        validTo: v.validTo.endOf('day').toISOString(),
        picturePng: png?.base64 ?? null,
      });
      message.success(t('licences.seals.created'));
      void qc.invalidateQueries({ queryKey: ['licences', 'seals'] });
      onClose();
    } catch (e) {
      if (e instanceof ApiError && e.field === 'picturePng') setPngError(e.text(lang));
      else {
        const text = applyFormError(form, e, lang);
        if (text) message.error(text);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      width={680}
      title={t('licences.seals.create')}
      okText={t('licences.seals.createOk')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<SealForm>
        form={form}
        name="sealCreate"
        layout="vertical"
        initialValues={{ sealType: 'licence', algorithm: 'P256', validTo: dayjs().add(5, 'year') }}
        onFinish={(v) => void send(v)}
      >
        <Form.Item
          label={t('licences.seals.department')}
          name="departmentId"
          rules={[{ required: true, message: t('form.required') }]}
        >
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            loading={departments.isLoading}
            options={(departments.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))}
          />
        </Form.Item>
        <Form.Item label={t('licences.seals.name')} name="name" extra={t('licences.seals.nameHint')}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item
          label={t('licences.seals.type')}
          name="sealType"
          rules={[{ required: true, message: t('form.required') }]}
        >
          <Radio.Group options={SEAL_TYPES.map((s) => ({ value: s, label: labelOf(t, 'licences.sealType', s) }))} />
        </Form.Item>
        <Form.Item
          label={t('licences.seals.algorithm')}
          name="algorithm"
          rules={[{ required: true, message: t('form.required') }]}
        >
          <Radio.Group style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
            {SEAL_ALGORITHMS.map((a) => (
              <Radio key={a} value={a}>
                <strong>{labelOf(t, 'licences.alg', a)}</strong> — {labelOf(t, 'licences.algHint', a)}
              </Radio>
            ))}
          </Radio.Group>
        </Form.Item>
        <Space wrap size="large" align="start">
          <Form.Item label={t('licences.f.validFrom')} name="validFrom" extra={t('licences.seals.validFromHint')}>
            <DatePicker style={{ width: 200 }} />
          </Form.Item>
          <Form.Item
            label={t('licences.f.validTo')}
            name="validTo"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <DatePicker style={{ width: 200 }} />
          </Form.Item>
        </Space>
        <Form.Item label={t('licences.seals.picture')} extra={t('licences.seals.pictureHint')}>
          <Space wrap>
            <Upload
              accept=".png,image/png"
              showUploadList={false}
              beforeUpload={(file) => {
                void pick(file);
                return Upload.LIST_IGNORE;
              }}
            >
              <Button icon={<UploadOutlined aria-hidden />}>{t('licences.seals.choosePng')}</Button>
            </Upload>
            {png ? (
              <>
                <img
                  className="yw-seal-picture"
                  src={`data:image/png;base64,${png.base64}`}
                  alt={t('licences.seals.pictureOf', { name: png.name })}
                />
                <Button size="small" onClick={() => setPng(null)}>
                  {t('licences.seals.useGenerated')}
                </Button>
              </>
            ) : null}
          </Space>
          {pngError ? (
            <Typography.Paragraph type="danger" role="alert" style={{ margin: '8px 0 0' }}>
              {pngError}
            </Typography.Paragraph>
          ) : null}
        </Form.Item>
      </Form>
    </Modal>
  );
}

function SealStatusDialog({ seal, status, onClose }: { seal: SealView; status: SealStatus; onClose: () => void }) {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ reason?: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const key = status === 'active' ? 'activate' : status === 'suspended' ? 'suspend' : 'revoke';
  const send = async (v: { reason?: string }) => {
    setBusy(true);
    setError(null);
    try {
      await api.post<SealView>(`/licences/seals/${encodeURIComponent(seal.id)}/status`, {
        status,
        reason: v.reason?.trim() || null,
      });
      message.success(t('common.saved'));
      void qc.invalidateQueries({ queryKey: ['licences', 'seals'] });
      onClose();
    } catch (e) {
      if (e instanceof ApiError && e.field === 'reason') form.setFields([{ name: 'reason', errors: [e.text(lang)] }]);
      else setError(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t(`licences.seals.${key}Title`, { name: seal.name })}
      okText={t(`licences.seals.${key}`)}
      okButtonProps={{ danger: status !== 'active' }}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>{t(`licences.seals.${key}Explain`)}</Typography.Paragraph>
      <Form form={form} name="sealStatus" layout="vertical" onFinish={(v) => void send(v)}>
        <Form.Item
          label={t('licences.statusReason')}
          name="reason"
          rules={
            status === 'active' ? [] : [{ required: true, whitespace: true, message: t('licences.reasonRequired') }]
          }
        >
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
      {error ? <Alert type="error" showIcon role="alert" title={error} /> : null}
    </Modal>
  );
}
