/** /workbench/licences/:id — one licence for issuing staff: metadata, data, PDF; revoke / cancel; renew / change. */
import { ArrowLeftOutlined, FilePdfOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  Modal,
  Result,
  Row,
  Space,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, errorText } from '../../api.ts';
import { hasPermission, Loading, useMe } from '../../auth.tsx';
import { usePrefs } from '../../i18n/index.tsx';
import { DataFields, LicenceFacts, StatusTag, useLicenceTypes } from './bits.tsx';
import { cleanData, DataFormItems } from './DataForm.tsx';
import { type LicenceType, type LicenceView, pdfUrl, typeNameOf, verifyPath } from './model.ts';

export default function StaffLicenceDetailPage() {
  const { id = '' } = useParams();
  const { t, lang } = usePrefs();
  const me = useMe();
  const canIssue = hasPermission(me.data, ['licences.issue']);
  const one = useQuery({
    queryKey: ['licences', 'one', id],
    queryFn: () => api.get<LicenceView>(`/licences/${encodeURIComponent(id)}`),
    retry: false,
  });
  const types = useLicenceTypes();
  const [dialog, setDialog] = useState<'revoked' | 'cancelled' | 'renew' | null>(null);

  if (one.isPending) return <Loading />;
  if (one.isError) {
    const e = one.error;
    const status = e instanceof ApiError && (e.status === 403 || e.status === 404) ? String(e.status) : 'error';
    return (
      <Result
        status={status as '403' | '404' | 'error'}
        title={status === 'error' ? t('common.loadFailed') : status}
        subTitle={errorText(e, lang)}
        extra={<Link to="/workbench/licences">{t('licences.staff.back')}</Link>}
      />
    );
  }
  const l = one.data;
  const type = types.data?.find((x) => x.id === l.typeId);
  const valid = l.status === 'valid';

  return (
    <>
      <Link to="/workbench/licences">
        <ArrowLeftOutlined aria-hidden /> {t('licences.staff.back')}
      </Link>
      <Typography.Title level={1} style={{ fontSize: 26, marginTop: 12 }}>
        <Space wrap>
          {typeNameOf(l, lang)}
          <small style={{ fontSize: '0.6em', fontWeight: 400 }}>{l.licenceNumber}</small>
          <StatusTag status={l.effectiveStatus} />
        </Space>
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col span={24}>
          <Card title={<h2 className="yw-card-title">{t('licences.staff.actions')}</h2>}>
            <Space wrap>
              <Button icon={<FilePdfOutlined aria-hidden />} href={pdfUrl(l.id)} target="_blank" rel="noreferrer">
                {t('licences.detail.openPdf')}
              </Button>
              <Link to={verifyPath(l.identifier)}>{t('licences.detail.verifyPage')}</Link>
              {canIssue && valid ? (
                <>
                  <Button onClick={() => setDialog('renew')} aria-haspopup="dialog">
                    {t('licences.renew.button')}
                  </Button>
                  <Button danger onClick={() => setDialog('revoked')} aria-haspopup="dialog">
                    {t('licences.revoke.button')}
                  </Button>
                  <Button danger onClick={() => setDialog('cancelled')} aria-haspopup="dialog">
                    {t('licences.cancel.button')}
                  </Button>
                </>
              ) : null}
            </Space>
            {!valid ? (
              <Typography.Paragraph type="secondary" style={{ margin: '12px 0 0' }}>
                {t('licences.staff.notValidHint')}
              </Typography.Paragraph>
            ) : null}
          </Card>
        </Col>
        <Col span={24}>
          <Card title={<h2 className="yw-card-title">{t('licences.detail.facts')}</h2>}>
            <LicenceFacts l={l} linkBase="/workbench/licences" />
          </Card>
        </Col>
        <Col span={24}>
          <Card title={<h2 className="yw-card-title">{t('licences.detail.data')}</h2>}>
            <DataFields data={l.data} type={type} />
          </Card>
        </Col>
      </Row>
      {dialog === 'revoked' || dialog === 'cancelled' ? (
        <StatusDialog l={l} status={dialog} onClose={() => setDialog(null)} />
      ) : null}
      {dialog === 'renew' && type ? <RenewDialog l={l} type={type} onClose={() => setDialog(null)} /> : null}
    </>
  );
}

/** 撤销 / 注销 with a required reason; the dialog is the confirmation. */
function StatusDialog({
  l,
  status,
  onClose,
}: {
  l: LicenceView;
  status: 'revoked' | 'cancelled';
  onClose: () => void;
}) {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const key = status === 'revoked' ? 'revoke' : 'cancel';
  const send = async (v: { reason: string }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<LicenceView>(`/licences/${encodeURIComponent(l.id)}/status`, {
        status,
        reason: v.reason.trim(),
      });
      qc.setQueryData(['licences', 'one', l.id], r);
      void qc.invalidateQueries({ queryKey: ['licences', 'staff'] });
      message.success(t(`licences.${key}.done`));
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
      title={t(`licences.${key}.title`, { number: l.licenceNumber })}
      okText={t(`licences.${key}.confirm`)}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>{t(`licences.${key}.explain`)}</Typography.Paragraph>
      <Form form={form} name={`licence-${key}`} layout="vertical" onFinish={(v) => void send(v)}>
        <Form.Item
          label={t('licences.statusReason')}
          name="reason"
          rules={[{ required: true, whitespace: true, message: t('licences.reasonRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
      {error ? <Alert type="error" showIcon role="alert" title={error} /> : null}
    </Modal>
  );
}

interface RenewForm {
  reason: string;
  validTo?: Dayjs | null;
  data?: Record<string, unknown>;
}

/** 变更 / 延续: a new version with the same number; the current one becomes superseded. */
function RenewDialog({ l, type, onClose }: { l: LicenceView; type: LicenceType; onClose: () => void }) {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [form] = Form.useForm<RenewForm>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const send = async (v: RenewForm) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<LicenceView>(`/licences/${encodeURIComponent(l.id)}/renew`, {
        reason: v.reason.trim(),
        data: cleanData(v.data),
        ...(v.validTo ? { validTo: v.validTo.format('YYYY-MM-DD') } : {}),
      });
      void qc.invalidateQueries({ queryKey: ['licences'] });
      message.success(t('licences.renew.done', { n: r.version }));
      onClose();
      navigate(`/workbench/licences/${encodeURIComponent(r.id)}`);
    } catch (e) {
      if (e instanceof ApiError && (e.field === 'reason' || e.field === 'validTo'))
        form.setFields([{ name: e.field, errors: [e.text(lang)] }]);
      else setError(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      width={720}
      title={t('licences.renew.title', { number: l.licenceNumber })}
      okText={t('licences.renew.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>{t('licences.renew.explain', { n: l.version + 1 })}</Typography.Paragraph>
      <Form<RenewForm>
        form={form}
        name="licenceRenew"
        layout="vertical"
        initialValues={{ data: l.data, validTo: l.validTo ? dayjs(l.validTo) : null }}
        onFinish={(v) => void send(v)}
      >
        <Form.Item
          label={t('licences.renew.reason')}
          name="reason"
          rules={[{ required: true, whitespace: true, message: t('licences.reasonRequired') }]}
        >
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Form.Item label={t('licences.f.validTo')} name="validTo" extra={t('licences.renew.validToHint')}>
          <DatePicker style={{ width: 200 }} />
        </Form.Item>
        <Typography.Title level={3} style={{ fontSize: 16 }}>
          {t('licences.detail.data')}
        </Typography.Title>
        <DataFormItems type={type} />
      </Form>
      {error ? <Alert type="error" showIcon role="alert" title={error} /> : null}
    </Modal>
  );
}
