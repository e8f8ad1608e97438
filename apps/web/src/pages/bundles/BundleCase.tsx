import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Result,
  Row,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { ElderFriendly } from '../apply/ElderFriendly.tsx';
import { actionText, dateTime, stateColor, stateText } from '../apply/model.ts';
import {
  type BundleCaseDetail,
  type BundleChild,
  type BundleEvent,
  type BundleGuide,
  bundleStateColor,
  bundleStateText,
} from './model.ts';
import './bundles.css';

/** A child that waits for its prerequisites (created as a draft, submitted by the platform later). */
const isWaiting = (c: BundleChild) => c.state === 'DRAFT' && c.waitingFor.length > 0;

/** /my/bundles/:id — the applicant's bundle case: its child cases side by side and one combined timeline. */
export default function BundleCasePage() {
  const { t, lang } = usePrefs();
  const { message, modal } = AntApp.useApp();
  const qc = useQueryClient();
  const { id = '' } = useParams();
  const one = useQuery({
    queryKey: ['bundles', 'case', id],
    queryFn: () => api.get<BundleCaseDetail>(`/bundles/cases/${encodeURIComponent(id)}`),
    retry: false,
  });
  const bundleCode = one.data?.bundleCase.bundleCode;
  // The bundle's guide names the departments of the member items.
  const guide = useQuery({
    queryKey: ['bundles', 'one', bundleCode],
    queryFn: () => api.get<BundleGuide>(`/bundles/${encodeURIComponent(bundleCode ?? '')}`),
    enabled: !!bundleCode,
    retry: false,
  });
  const [busy, setBusy] = useState(false);

  if (one.isLoading) return <Card loading />;
  if (one.error || !one.data)
    return (
      <Result
        status={one.error instanceof ApiError && one.error.status === 404 ? '404' : 'error'}
        title={one.error ? errorText(one.error, lang) : t('common.loadFailed')}
        extra={<Link to="/my/cases">{t('apply.detail.back')}</Link>}
      />
    );
  const { bundleCase: b, children, timeline } = one.data;
  const sep = lang === 'en' ? ', ' : '、';
  const members = new Map((guide.data?.members ?? []).map((m) => [m.taskCode, m]));
  const nameOf = (taskCode: string) =>
    children.find((c) => c.taskCode === taskCode)?.itemName ?? members.get(taskCode)?.itemName ?? taskCode;
  const deptCount = new Set(children.map((c) => c.departmentId ?? members.get(c.taskCode)?.departmentName)).size;

  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['bundles', 'case', id] }),
      qc.invalidateQueries({ queryKey: ['bundles', 'mine'] }),
      qc.invalidateQueries({ queryKey: ['cases', 'mine'] }),
    ]);

  const withdraw = async () => {
    setBusy(true);
    try {
      await api.post(`/bundles/cases/${encodeURIComponent(id)}/withdraw`, { expectedVersion: b.version });
      message.success(t('bundles.case.withdrawn'));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'CONCURRENT_UPDATE') message.warning(t('apply.detail.conflict'));
      else message.error(errorText(e, lang));
    } finally {
      setBusy(false);
      await refresh();
    }
  };
  const onWithdraw = () =>
    modal.confirm({
      title: t('bundles.case.withdraw'),
      content: t('bundles.case.withdrawConfirm'),
      okText: t('bundles.case.withdraw'),
      okButtonProps: { danger: true },
      onOk: withdraw,
    });

  return (
    <ElderFriendly>
      <Space direction="vertical" size="large" style={{ width: '100%' }} className="yw-case yw-apply yw-bundles">
        <Link to="/my/cases">{t('apply.detail.back')}</Link>
        <Typography.Title level={1} className="yw-page-title">
          {t('bundles.case.title', { name: b.bundleName })}
        </Typography.Title>
        <Card title={<h2 className="yw-card-title">{t('apply.detail.summary')}</h2>}>
          <Descriptions bordered column={{ xs: 1, md: 2 }} size="small">
            <Descriptions.Item label={t('bundles.case.bundle')}>
              <Link to={`/bundles/${encodeURIComponent(b.bundleCode)}`}>{b.bundleName}</Link>
            </Descriptions.Item>
            <Descriptions.Item label={t('apply.detail.serialNo')}>
              <code data-testid="bundle-serial-no">{b.serialNo}</code>
            </Descriptions.Item>
            <Descriptions.Item label={t('apply.detail.state')}>
              <Tag color={bundleStateColor(b.state)} data-testid="bundle-state">
                {bundleStateText(t, b.state)}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('apply.detail.createdAt')}>{dateTime(b.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t('bundles.case.dueDay')}>{b.dueDay ?? t('common.none')}</Descriptions.Item>
            {b.completedAt ? (
              <Descriptions.Item label={t('bundles.case.endedAt')}>{dateTime(b.completedAt)}</Descriptions.Item>
            ) : null}
          </Descriptions>
          {b.state === 'IN_PROGRESS' ? (
            <Space wrap style={{ marginTop: 16 }}>
              <Button danger onClick={onWithdraw} loading={busy}>
                {t('bundles.case.withdraw')}
              </Button>
            </Space>
          ) : null}
        </Card>

        <section aria-labelledby="yw-bundle-children">
          <Typography.Title level={2} id="yw-bundle-children" style={{ fontSize: 20 }}>
            {t('bundles.case.children', { n: children.length, d: deptCount })}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('bundles.case.childrenIntro')}</Typography.Paragraph>
          <Row gutter={[16, 16]}>
            {children.map((c) => {
              const headingId = `yw-bundle-child-${c.id}`;
              const waiting = isWaiting(c);
              return (
                <Col xs={24} md={12} xl={8} key={c.id}>
                  <Card
                    className="yw-bundle-child"
                    role="region"
                    aria-labelledby={headingId}
                    title={
                      <h3 id={headingId} className="yw-card-title">
                        {c.itemName}
                      </h3>
                    }
                  >
                    <Descriptions column={1} size="small">
                      <Descriptions.Item label={t('services.department')}>
                        {members.get(c.taskCode)?.departmentName ?? '—'}
                      </Descriptions.Item>
                      <Descriptions.Item label={t('apply.detail.state')}>
                        {waiting ? (
                          <Tag color="gold">{t('bundles.case.waiting')}</Tag>
                        ) : (
                          <Tag color={stateColor(c.state)}>{stateText(t, c.state)}</Tag>
                        )}
                      </Descriptions.Item>
                      <Descriptions.Item label={t('apply.detail.serialNo')}>
                        <code>{c.serialNo}</code>
                      </Descriptions.Item>
                      <Descriptions.Item label={t('apply.detail.dueDay')}>
                        {c.dueDay ?? t('apply.detail.dueNone')}
                      </Descriptions.Item>
                    </Descriptions>
                    {waiting ? (
                      <Typography.Paragraph>
                        {t('bundles.case.waitingFor', { items: c.waitingFor.map(nameOf).join(sep) })}
                      </Typography.Paragraph>
                    ) : null}
                    <div className="yw-bundle-child-link">
                      <Link
                        to={`/my/cases/${encodeURIComponent(c.id)}`}
                        aria-label={t('common.pair', { label: t('bundles.case.openChild'), value: c.itemName })}
                      >
                        {t('bundles.case.openChild')}
                      </Link>
                    </div>
                  </Card>
                </Col>
              );
            })}
          </Row>
        </section>

        <Card title={<h2 className="yw-card-title">{t('bundles.case.timeline')}</h2>}>
          <BundleTimeline events={timeline} />
        </Card>
        {guide.error ? <Alert type="warning" showIcon message={errorText(guide.error, lang)} /> : null}
      </Space>
    </ElderFriendly>
  );
}

/** One timeline of every child case, oldest first, each event naming its item. */
function BundleTimeline({ events }: { events: BundleEvent[] }) {
  const { t } = usePrefs();
  if (!events.length) return <Empty description={t('apply.detail.timelineEmpty')} />;
  const last = events.length - 1;
  return (
    <Timeline
      className="yw-case-timeline yw-bundle-timeline"
      items={events.map((e, i) => ({
        key: `${e.caseId}-${e.seq}`,
        color: i === last ? 'blue' : 'gray',
        content: (
          <div>
            <span className="yw-bundle-event-item" data-testid="timeline-item">
              {e.itemName}
            </span>
            <Typography.Text strong>{actionText(t, e.action)}</Typography.Text>{' '}
            {e.toState && e.toState !== e.fromState ? (
              <Tag color={stateColor(e.toState)}>{stateText(t, e.toState)}</Tag>
            ) : null}
            <div>
              <Typography.Text type="secondary">
                <time dateTime={e.at}>{dateTime(e.at)}</time>
              </Typography.Text>
            </div>
            {e.actorName ? <div>{t('apply.detail.actor', { name: e.actorName })}</div> : null}
            {e.reason ? <div>{t('apply.detail.reason', { text: e.reason })}</div> : null}
          </div>
        ),
      }))}
    />
  );
}
