/** /workbench/evaluations/:id — one rectification task: the rating, its history and the actions allowed to the caller. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Modal,
  Result,
  Row,
  Select,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, api, errorText } from '../../api.ts';
import { Loading } from '../../auth.tsx';
import { usePrefs } from '../../i18n/index.tsx';
import { RectifyStateTag } from './Evaluations.tsx';
import {
  actionKey,
  EVAL_KEY,
  INDICATORS,
  indicatorKey,
  kindKey,
  levelKey,
  RECTIFY_KINDS,
  type RectificationDetail,
  type RectifyKind,
  stateKey,
  VISIT_METHODS,
  visitKey,
} from './model.ts';

/** What each action asks for. */
const NEEDS: Record<string, ('reason' | 'note' | 'optionalNote' | 'rectify' | 'method')[]> = {
  verify: [],
  appeal: ['reason'],
  uphold_appeal: ['reason'],
  reject_appeal: ['reason'],
  rectify: ['rectify'],
  send_feedback: [],
  return_visit: ['method', 'note'],
  reopen: ['reason'],
  close: [],
};

interface ActValues {
  reason?: string;
  note?: string;
  kind?: RectifyKind;
  measures?: string;
  ledgerDueDay?: Dayjs;
  method?: string;
}

function ActionDialog({
  detail,
  action,
  onClose,
}: {
  detail: RectificationDetail;
  action: string | null;
  onClose: () => void;
}) {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<ActValues>();
  const kind = Form.useWatch('kind', form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const needs = action ? (NEEDS[action] ?? []) : [];
  const required = [{ required: true, whitespace: true, message: t('onestop.eval.required') }];

  const submit = async (v: ActValues) => {
    if (!action) return;
    setBusy(true);
    setError(null);
    try {
      await api.post(`/evaluations/rectifications/${encodeURIComponent(detail.id)}/actions`, {
        action,
        expectedVersion: detail.version,
        ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
        ...(v.note?.trim() ? { note: v.note.trim() } : {}),
        ...(v.kind ? { kind: v.kind } : {}),
        ...(v.measures?.trim() ? { measures: v.measures.trim() } : {}),
        ...(v.ledgerDueDay ? { ledgerDueDay: v.ledgerDueDay.format('YYYY-MM-DD') } : {}),
        ...(v.method ? { method: v.method } : {}),
      });
      message.success(t('onestop.eval.done', { action: t(actionKey(action)) }));
      await qc.invalidateQueries({ queryKey: EVAL_KEY });
      form.resetFields();
      onClose();
    } catch (e) {
      if (
        e instanceof ApiError &&
        e.field &&
        ['reason', 'note', 'kind', 'measures', 'ledgerDueDay', 'method'].includes(e.field)
      ) {
        form.setFields([{ name: e.field as 'reason', errors: [e.text(lang)] }]);
      } else setError(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={!!action}
      title={action ? t(actionKey(action)) : ''}
      okText={action ? t(actionKey(action)) : ''}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form<ActValues> form={form} layout="vertical" name={`rect-${action}`} onFinish={submit}>
        {needs.includes('reason') && (
          <Form.Item name="reason" label={t('onestop.eval.reason')} rules={required}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        )}
        {needs.includes('rectify') && (
          <>
            <Form.Item
              name="kind"
              label={t('onestop.eval.kind')}
              rules={[{ required: true, message: t('onestop.eval.required') }]}
            >
              <Select options={RECTIFY_KINDS.map((k) => ({ value: k, label: t(kindKey(k)) }))} />
            </Form.Item>
            <Form.Item name="measures" label={t('onestop.eval.measures')} rules={required}>
              <Input.TextArea rows={4} maxLength={2000} showCount />
            </Form.Item>
            {kind === 'ledger' && (
              <Form.Item
                name="ledgerDueDay"
                label={t('onestop.eval.ledgerDueDay')}
                rules={[{ required: true, message: t('onestop.eval.required') }]}
              >
                <DatePicker disabledDate={(d) => d.isBefore(dayjs().startOf('day'))} />
              </Form.Item>
            )}
          </>
        )}
        {needs.includes('method') && (
          <Form.Item
            name="method"
            label={t('onestop.eval.visitMethod')}
            rules={[{ required: true, message: t('onestop.eval.required') }]}
          >
            <Select options={VISIT_METHODS.map((m) => ({ value: m, label: t(visitKey(m)) }))} />
          </Form.Item>
        )}
        {needs.includes('note') && (
          <Form.Item name="note" label={t('onestop.eval.note')} rules={required}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        )}
        {needs.length === 0 && (
          <Form.Item name="note" label={t('onestop.eval.note')}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

export default function RectificationDetailPage() {
  const { id = '' } = useParams();
  const { t, lang } = usePrefs();
  const [action, setAction] = useState<string | null>(null);
  const q = useQuery({
    queryKey: [...EVAL_KEY, 'rectification', id],
    queryFn: () => api.get<RectificationDetail>(`/evaluations/rectifications/${encodeURIComponent(id)}`),
    retry: false,
  });
  if (q.isPending) return <Loading />;
  if (q.isError) {
    const status = q.error instanceof ApiError ? q.error.status : 0;
    return (
      <Result
        status={status === 403 ? '403' : status === 404 ? '404' : 'error'}
        title={errorText(q.error, lang)}
        extra={<Link to="/workbench/evaluations">{t('onestop.eval.back')}</Link>}
      />
    );
  }
  const d = q.data;
  const fmt = (v: string | null | undefined) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : '');

  return (
    <>
      <Link to="/workbench/evaluations">{t('onestop.eval.back')}</Link>
      <Typography.Title level={1} style={{ fontSize: 24, marginTop: 8 }}>
        {t('onestop.eval.detailTitle', { item: d.itemName })}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 16 }}>
        <RectifyStateTag state={d.state} />
        {d.overdue && <Tag color="red">{t('onestop.eval.overdue')}</Tag>}
        {d.round > 1 && <Tag>{t('onestop.eval.round', { n: d.round })}</Tag>}
      </Space>
      {d.returnVisitRequired && d.state !== 'CLOSED_APPEAL' && (
        <Alert type="info" showIcon title={t('onestop.eval.returnVisitRequired')} style={{ marginBottom: 16 }} />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title={<h2 className="yw-card-title">{t('onestop.eval.ratingCard')}</h2>}>
            <Descriptions
              size="small"
              column={1}
              items={[
                { key: 'sn', label: t('onestop.eval.serialNo'), children: d.serialNo },
                { key: 'dep', label: t('onestop.eval.department'), children: d.departmentName ?? d.departmentId },
                {
                  key: 'rater',
                  label: t('onestop.eval.rater'),
                  children: `${d.applicantName}${d.rating.realName ? `（${t('onestop.eval.realName')}）` : ''}`,
                },
                { key: 'level', label: t('onestop.eval.level'), children: t(levelKey(d.rating.level)) },
                ...INDICATORS.map((k) => ({
                  key: k,
                  label: t(indicatorKey(k)),
                  children: t('onestop.eval.score', { n: d.rating.indicators[k] }),
                })),
                { key: 'comment', label: t('onestop.eval.comment'), children: d.rating.comment ?? '' },
                { key: 'at', label: t('onestop.eval.createdAt'), children: fmt(d.rating.createdAt) },
                { key: 'due', label: t('onestop.eval.dueDay'), children: d.dueDay },
              ]}
            />
          </Card>
          {d.appeal && (
            <Card title={<h2 className="yw-card-title">{t('onestop.eval.appeal')}</h2>} style={{ marginTop: 16 }}>
              <Descriptions
                size="small"
                column={1}
                items={[
                  { key: 'reason', label: t('onestop.eval.reason'), children: d.appeal.reason },
                  {
                    key: 'by',
                    label: t('onestop.eval.recordedBy'),
                    children: `${d.appeal.byName ?? ''} ${fmt(d.appeal.at)}`,
                  },
                  {
                    key: 'decision',
                    label: t('onestop.eval.state'),
                    children: d.appeal.decision
                      ? t('common.pair', {
                          label: t(
                            d.appeal.decision === 'upheld'
                              ? 'onestop.eval.appealDecision.upheld'
                              : 'onestop.eval.appealDecision.rejected',
                          ),
                          value: d.appeal.decisionReason ?? '',
                        })
                      : t('onestop.eval.appealPending'),
                  },
                ]}
              />
            </Card>
          )}
          {d.measures && (
            <Card title={<h2 className="yw-card-title">{t('onestop.eval.measures')}</h2>} style={{ marginTop: 16 }}>
              <Descriptions
                size="small"
                column={1}
                items={[
                  { key: 'kind', label: t('onestop.eval.kind'), children: t(kindKey(d.measures.kind)) },
                  { key: 'm', label: t('onestop.eval.measures'), children: d.measures.measures },
                  ...(d.measures.ledgerDueDay
                    ? [{ key: 'ld', label: t('onestop.eval.ledgerDueDay'), children: d.measures.ledgerDueDay }]
                    : []),
                  {
                    key: 'by',
                    label: t('onestop.eval.recordedBy'),
                    children: `${d.measures.byName ?? ''} ${fmt(d.measures.at)}`,
                  },
                  {
                    key: 'fb',
                    label: t('onestop.eval.feedback'),
                    children: d.feedback?.respondedAt
                      ? `${d.feedback.satisfied ? t('onestop.eval.satisfied') : t('onestop.eval.unsatisfied')}${d.feedback.comment ? `：${d.feedback.comment}` : ''}`
                      : d.feedback
                        ? t('onestop.eval.feedbackSent')
                        : '',
                  },
                ]}
              />
            </Card>
          )}
          {d.returnVisits.length > 0 && (
            <Card title={<h2 className="yw-card-title">{t('onestop.eval.returnVisits')}</h2>} style={{ marginTop: 16 }}>
              <ul>
                {d.returnVisits.map((v) => (
                  <li key={v.at}>
                    {fmt(v.at)} · {t(visitKey(v.method))} · {t('common.pair', { label: v.byName ?? '', value: v.note })}
                  </li>
                ))}
              </ul>
            </Card>
          )}
        </Col>
        <Col xs={24} lg={10}>
          <Card title={<h2 className="yw-card-title">{t('onestop.eval.actions')}</h2>}>
            {d.allowedActions.length === 0 ? (
              <Typography.Text type="secondary">{t('onestop.eval.noActions')}</Typography.Text>
            ) : (
              <Space wrap>
                {d.allowedActions.map((a) => (
                  <Button
                    key={a}
                    type={a === 'appeal' || a === 'uphold_appeal' ? 'default' : 'primary'}
                    onClick={() => setAction(a)}
                  >
                    {t(actionKey(a))}
                  </Button>
                ))}
              </Space>
            )}
          </Card>
          <Card title={<h2 className="yw-card-title">{t('onestop.eval.history')}</h2>} style={{ marginTop: 16 }}>
            <Timeline
              items={d.events.map((e) => ({
                key: e.seq,
                color: e.action === 'overdue' ? 'red' : undefined,
                children: (
                  <>
                    <strong>{t(actionKey(e.action))}</strong> → {t(stateKey(e.toState))}
                    <br />
                    <Typography.Text type="secondary">
                      {fmt(e.at)} {e.actorName ?? ''}
                    </Typography.Text>
                    {e.note && <div>{e.note}</div>}
                  </>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
      <ActionDialog detail={d} action={action} onClose={() => setAction(null)} />
    </>
  );
}
