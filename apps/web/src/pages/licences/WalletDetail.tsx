/**
 * /my/licences/:id — one licence of the holder: metadata and data, the signed PDF, 亮证 (a short-lived
 * QR code), authorised copies (加注件), what public verification discloses, and the VC export.
 */
import {
  ArrowLeftOutlined,
  CopyOutlined,
  DownloadOutlined,
  ExportOutlined,
  FilePdfOutlined,
  QrcodeOutlined,
} from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Result,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, api, applyFormError, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { ElderFriendly } from '../apply/ElderFriendly.tsx';
import { DataFields, LicenceFacts, StatusTag, useLicenceTypes } from './bits.tsx';
import {
  type CopyView,
  type CreatedCopy,
  copyText,
  DISCLOSABLE,
  type Disclosable,
  dateTime,
  type LicenceView,
  labelOf,
  pdfUrl,
  putJson,
  type ShowToken,
  saveFile,
  typeNameOf,
  verifyPath,
} from './model.ts';

export default function WalletDetailPage() {
  const { id = '' } = useParams();
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const one = useQuery({
    queryKey: ['licences', 'one', id],
    queryFn: () => api.get<LicenceView>(`/licences/${encodeURIComponent(id)}`),
    retry: false,
  });
  const types = useLicenceTypes();
  const [showing, setShowing] = useState(false);
  const [exporting, setExporting] = useState(false);

  if (one.isLoading) return <Card loading />;
  if (one.error || !one.data)
    return (
      <Result
        status={
          one.error instanceof ApiError && (one.error.status === 404 || one.error.status === 403)
            ? (String(one.error.status) as '404' | '403')
            : 'error'
        }
        title={one.error ? errorText(one.error, lang) : t('common.loadFailed')}
        extra={<Link to="/my/licences">{t('licences.detail.back')}</Link>}
      />
    );
  const l = one.data;
  const type = types.data?.find((x) => x.id === l.typeId);
  const valid = l.effectiveStatus === 'valid';

  const exportVc = async () => {
    setExporting(true);
    try {
      const vc = await api.get<unknown>(`/licences/${encodeURIComponent(l.id)}/vc`);
      saveFile(`${l.licenceNumber}-v${l.version}.vc.json`, JSON.stringify(vc, null, 2));
      message.success(t('licences.detail.vcDone'));
    } catch (e) {
      message.error(errorText(e, lang));
    } finally {
      setExporting(false);
    }
  };

  return (
    <ElderFriendly>
      <Space orientation="vertical" size="large" style={{ width: '100%' }} className="yw-apply">
        <Link to="/my/licences">
          <ArrowLeftOutlined aria-hidden /> {t('licences.detail.back')}
        </Link>
        <Typography.Title level={1} className="yw-page-title">
          <Space wrap>
            {typeNameOf(l, lang)}
            <StatusTag status={l.effectiveStatus} />
          </Space>
        </Typography.Title>
        {!valid ? (
          <Alert
            type="warning"
            showIcon
            title={labelOf(t, 'licences.detail.notValid', l.effectiveStatus)}
            description={l.statusReason ?? undefined}
          />
        ) : null}
        <Card title={<h2 className="yw-card-title">{t('licences.detail.use')}</h2>}>
          <Space wrap>
            <Button
              type="primary"
              icon={<QrcodeOutlined aria-hidden />}
              onClick={() => setShowing(true)}
              aria-haspopup="dialog"
            >
              {t('licences.show.button')}
            </Button>
            <Button icon={<FilePdfOutlined aria-hidden />} href={pdfUrl(l.id)} target="_blank" rel="noreferrer">
              {t('licences.detail.openPdf')}
            </Button>
            <Button
              icon={<DownloadOutlined aria-hidden />}
              href={pdfUrl(l.id, true)}
              download={`${l.licenceNumber}-v${l.version}.pdf`}
            >
              {t('licences.detail.downloadPdf')}
            </Button>
            <Button
              icon={<ExportOutlined aria-hidden />}
              onClick={() => void exportVc()}
              loading={exporting}
              disabled={!valid}
            >
              {t('licences.detail.exportVc')}
            </Button>
            <Link to={verifyPath(l.identifier)}>{t('licences.detail.verifyPage')}</Link>
          </Space>
          <Typography.Paragraph type="secondary" style={{ margin: '12px 0 0' }}>
            {t('licences.detail.vcHint')}
          </Typography.Paragraph>
        </Card>
        <Card title={<h2 className="yw-card-title">{t('licences.detail.facts')}</h2>}>
          <LicenceFacts l={l} linkBase="/my/licences" />
        </Card>
        <Card title={<h2 className="yw-card-title">{t('licences.detail.data')}</h2>}>
          <DataFields data={l.data} type={type} />
        </Card>
        <CopiesCard l={l} />
        <DisclosureCard l={l} />
      </Space>
      <ShowModal l={l} open={showing} onClose={() => setShowing(false)} />
    </ElderFriendly>
  );
}

const TTL_CHOICES = [60, 180, 300, 600];

function fieldLabel(t: ReturnType<typeof usePrefs>['t'], f: Disclosable) {
  return t(`licences.disclose.${f}`);
}

/** 亮证: choose the fields and the time, then a QR code of the show link with a countdown. */
function ShowModal({ l, open, onClose }: { l: LicenceView; open: boolean; onClose: () => void }) {
  const { t, lang } = usePrefs();
  const [fields, setFields] = useState<Disclosable[]>(['holderName']);
  const [ttl, setTtl] = useState(300);
  const [shown, setShown] = useState<(ShowToken & { fields: Disclosable[]; qr: string }) | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (!shown) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [shown]);

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<ShowToken>(`/licences/${encodeURIComponent(l.id)}/show`, { fields, ttlSeconds: ttl });
      const qr = await QRCode.toDataURL(r.url, { margin: 2, width: 260, errorCorrectionLevel: 'M' });
      setNow(Date.now());
      setShown({ ...r, fields: [...fields], qr });
    } catch (e) {
      setError(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };

  const left = shown ? Math.max(0, Math.round((new Date(shown.expiresAt).getTime() - now) / 1000)) : 0;
  const mmss = `${String(Math.floor(left / 60)).padStart(2, '0')}:${String(left % 60).padStart(2, '0')}`;
  const close = () => {
    setShown(null);
    setError(null);
    onClose();
  };

  return (
    <Modal
      open={open}
      title={t('licences.show.title', { name: typeNameOf(l, lang) })}
      onCancel={close}
      footer={
        shown ? (
          <Space>
            <Button onClick={() => setShown(null)}>{t('licences.show.again')}</Button>
            <Button type="primary" onClick={close}>
              {t('licences.show.done')}
            </Button>
          </Space>
        ) : (
          <Space>
            <Button onClick={close}>{t('common.cancel')}</Button>
            <Button type="primary" loading={busy} onClick={() => void create()}>
              {t('licences.show.create')}
            </Button>
          </Space>
        )
      }
      destroyOnHidden
    >
      {!shown ? (
        <Form layout="vertical" name="licenceShow">
          <Typography.Paragraph>{t('licences.show.intro')}</Typography.Paragraph>
          <Form.Item label={t('licences.show.fields')}>
            <Checkbox.Group
              value={fields}
              onChange={(v) => setFields(v as Disclosable[])}
              options={DISCLOSABLE.map((f) => ({ value: f, label: fieldLabel(t, f) }))}
            />
          </Form.Item>
          <Form.Item label={t('licences.show.ttl')} htmlFor="licence-show-ttl">
            <Select
              id="licence-show-ttl"
              value={ttl}
              onChange={setTtl}
              style={{ width: 200 }}
              options={TTL_CHOICES.map((s) => ({ value: s, label: t('licences.show.minutes', { n: s / 60 }) }))}
            />
          </Form.Item>
          {error ? <Alert type="error" showIcon role="alert" title={error} /> : null}
        </Form>
      ) : (
        <div className={left > 0 ? 'yw-show-qr' : 'yw-show-qr yw-expired'}>
          <img src={shown.qr} alt={t('licences.show.qrAlt', { name: typeNameOf(l, lang) })} data-testid="show-qr" />
          <div className="yw-countdown" role="timer" aria-live="off" aria-label={t('licences.show.leftLabel')}>
            {left > 0 ? t('licences.show.left', { time: mmss }) : t('licences.show.expired')}
          </div>
          {left === 0 ? <Alert type="warning" showIcon role="alert" title={t('licences.show.expiredHint')} /> : null}
          <Typography.Paragraph style={{ margin: 0 }}>
            {t('licences.show.disclosing')}
            {shown.fields.length
              ? shown.fields.map((f) => fieldLabel(t, f)).join(t('licences.listSep'))
              : t('licences.show.nothing')}
          </Typography.Paragraph>
          <Typography.Paragraph
            type="secondary"
            copyable={{ text: shown.url }}
            style={{ margin: 0, wordBreak: 'break-all' }}
          >
            {t('licences.show.link')}
          </Typography.Paragraph>
        </div>
      )}
    </Modal>
  );
}

interface CopyForm {
  purpose: string;
  recipient?: string;
  validDays: number;
}

/** 加注件: a time-limited copy for a named purpose, its link, and the list with withdrawal. */
function CopiesCard({ l }: { l: LicenceView }) {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<CopyForm>();
  const [busy, setBusy] = useState(false);
  const [made, setMade] = useState<CreatedCopy | null>(null);
  const copies = useQuery({
    queryKey: ['licences', 'copies', l.id],
    queryFn: () => api.get<CopyView[]>(`/licences/${encodeURIComponent(l.id)}/copies`),
  });
  const valid = l.effectiveStatus === 'valid';

  const create = async (v: CopyForm) => {
    setBusy(true);
    try {
      const r = await api.post<CreatedCopy>(`/licences/${encodeURIComponent(l.id)}/copies`, {
        purpose: v.purpose.trim(),
        recipient: v.recipient?.trim() || null,
        validDays: v.validDays,
      });
      setMade(r);
      form.resetFields();
      void qc.invalidateQueries({ queryKey: ['licences', 'copies', l.id] });
    } catch (e) {
      const text = applyFormError(form, e, lang);
      if (text) message.error(text);
    } finally {
      setBusy(false);
    }
  };

  const withdraw = async (c: CopyView) => {
    try {
      await api.del(`/licences/${encodeURIComponent(l.id)}/copies/${encodeURIComponent(c.id)}`);
      message.success(t('licences.copy.withdrawn'));
      if (made?.id === c.id) setMade(null);
      void qc.invalidateQueries({ queryKey: ['licences', 'copies', l.id] });
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };

  const copyLink = async (url: string) => {
    if (await copyText(url)) message.success(t('common.copied'));
    else message.warning(t('common.copyFailed'));
  };

  return (
    <Card title={<h2 className="yw-card-title">{t('licences.copy.title')}</h2>}>
      <Typography.Paragraph type="secondary">{t('licences.copy.intro')}</Typography.Paragraph>
      {valid ? (
        <Form<CopyForm>
          form={form}
          name="licenceCopy"
          layout="inline"
          initialValues={{ validDays: 7 }}
          onFinish={(v) => void create(v)}
          style={{ rowGap: 12 }}
        >
          <Form.Item
            label={t('licences.copy.purpose')}
            name="purpose"
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input maxLength={100} style={{ width: 220 }} placeholder={t('licences.copy.purposeHint')} />
          </Form.Item>
          <Form.Item label={t('licences.copy.recipient')} name="recipient">
            <Input maxLength={100} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item
            label={t('licences.copy.validDays')}
            name="validDays"
            rules={[{ required: true, type: 'integer', min: 1, max: 90, message: t('licences.copy.validDaysRange') }]}
          >
            <InputNumber min={1} max={90} precision={0} style={{ width: 100 }} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('licences.copy.create')}
            </Button>
          </Form.Item>
        </Form>
      ) : (
        <Alert type="info" showIcon title={t('licences.copy.onlyValid')} />
      )}
      {made ? (
        <Alert
          style={{ marginTop: 16 }}
          type="success"
          showIcon
          role="status"
          title={t('licences.copy.made', { purpose: made.purpose, until: dateTime(made.validUntil) })}
          description={
            <Space wrap>
              <a href={made.url} target="_blank" rel="noreferrer" className="yw-licence-code" data-testid="copy-url">
                {made.url}
              </a>
              <Button size="small" icon={<CopyOutlined aria-hidden />} onClick={() => void copyLink(made.url)}>
                {t('licences.copy.copyLink')}
              </Button>
            </Space>
          }
        />
      ) : null}
      {copies.error ? (
        <Alert style={{ marginTop: 16 }} type="error" showIcon title={errorText(copies.error, lang)} />
      ) : null}
      <Table<CopyView>
        style={{ marginTop: 16 }}
        rowKey="id"
        size="small"
        loading={copies.isLoading}
        dataSource={copies.data ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('licences.copy.none') }}
        columns={[
          { title: t('licences.copy.purpose'), dataIndex: 'purpose' },
          { title: t('licences.copy.recipient'), dataIndex: 'recipient', render: (v: string | null) => v || '—' },
          { title: t('licences.copy.createdAt'), dataIndex: 'createdAt', render: (v: string) => dateTime(v) },
          { title: t('licences.copy.validUntil'), dataIndex: 'validUntil', render: (v: string) => dateTime(v) },
          {
            title: t('licences.copy.state'),
            key: 'state',
            render: (_: unknown, c) =>
              c.revoked ? (
                <Tag>{t('licences.copy.state.withdrawn')}</Tag>
              ) : new Date(c.validUntil) < new Date() ? (
                <Tag color="warning">{t('licences.copy.state.expired')}</Tag>
              ) : (
                <Tag color="success">{t('licences.copy.state.active')}</Tag>
              ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, c) =>
              !c.revoked && new Date(c.validUntil) >= new Date() ? (
                <Popconfirm
                  title={t('licences.copy.withdrawConfirm', { purpose: c.purpose })}
                  okText={t('licences.copy.withdraw')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => withdraw(c)}
                >
                  <Button size="small" danger aria-label={t('licences.copy.withdrawOf', { purpose: c.purpose })}>
                    {t('licences.copy.withdraw')}
                  </Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
    </Card>
  );
}

/** What a public verification by identifier shows besides status, type, issuer and validity. */
function DisclosureCard({ l }: { l: LicenceView }) {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [fields, setFields] = useState<Disclosable[]>(l.disclosure);
  const [busy, setBusy] = useState(false);
  useEffect(() => setFields(l.disclosure), [l.disclosure]);
  const changed = [...fields].sort().join() !== [...l.disclosure].sort().join();
  const save = async () => {
    setBusy(true);
    try {
      const r = await putJson<LicenceView>(`/licences/${encodeURIComponent(l.id)}/disclosure`, { fields });
      qc.setQueryData(['licences', 'one', l.id], r);
      message.success(t('common.saved'));
    } catch (e) {
      message.error(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={<h2 className="yw-card-title">{t('licences.disclose.title')}</h2>}>
      <Typography.Paragraph type="secondary">{t('licences.disclose.intro')}</Typography.Paragraph>
      <Form layout="vertical" name="licenceDisclosure">
        <Form.Item label={t('licences.disclose.fields')}>
          <Checkbox.Group
            value={fields}
            onChange={(v) => setFields(v as Disclosable[])}
            options={DISCLOSABLE.map((f) => ({ value: f, label: fieldLabel(t, f) }))}
          />
        </Form.Item>
        <Typography.Paragraph type="secondary">{t('licences.disclose.maskedName')}</Typography.Paragraph>
        <Button type="primary" onClick={() => void save()} loading={busy} disabled={!changed}>
          {t('licences.disclose.save')}
        </Button>
      </Form>
    </Card>
  );
}
