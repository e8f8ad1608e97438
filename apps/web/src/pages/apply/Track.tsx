import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, Space, Tag, Typography } from 'antd';
import { api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { BundleTrackResult } from '../bundles/BundleTrackResult.tsx';
import { type BundleTrackView, isBundleSerial } from '../bundles/model.ts';
import { CaseTimeline } from './CaseTimeline.tsx';
import { ElderFriendly } from './ElderFriendly.tsx';
import { stateColor, stateText, type TrackView } from './model.ts';

/** /track — public tracking by serial number and the 6-digit query password; no personal data. */
export default function TrackPage() {
  const { t, lang } = usePrefs();
  const [form] = Form.useForm<{ serialNo: string; password: string }>();
  const track = useMutation({
    mutationFn: (v: { serialNo: string; password: string }) =>
      api.post<TrackView>('/cases/track', { serialNo: v.serialNo.trim().toUpperCase(), password: v.password.trim() }),
  });
  // Bundle serial numbers (YB…) are tracked by the bundles API.
  const bundleTrack = useMutation({
    mutationFn: (v: { serialNo: string; password: string }) =>
      api.post<BundleTrackView>('/bundles/track', {
        serialNo: v.serialNo.trim().toUpperCase(),
        password: v.password.trim(),
      }),
  });
  const onFinish = (v: { serialNo: string; password: string }) => {
    const bundle = isBundleSerial(v.serialNo);
    (bundle ? track : bundleTrack).reset();
    (bundle ? bundleTrack : track).mutate(v);
  };
  const r = track.data;

  return (
    <ElderFriendly>
      <Space direction="vertical" size="large" style={{ width: '100%' }} className="yw-case">
        <Typography.Title level={1} className="yw-page-title">
          {t('apply.track.title')}
        </Typography.Title>
        <Card className="yw-narrow" style={{ margin: 0 }}>
          <Typography.Paragraph>{t('apply.track.intro')}</Typography.Paragraph>
          <Typography.Paragraph type="secondary">{t('bundles.track.hint')}</Typography.Paragraph>
          <Form form={form} layout="vertical" onFinish={onFinish}>
            <Form.Item
              name="serialNo"
              label={t('apply.track.serialNo')}
              rules={[{ required: true, whitespace: true, message: t('apply.track.serialRequired') }]}
            >
              <Input autoComplete="off" maxLength={32} placeholder="YW2026…" />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('apply.track.password')}
              rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: t('apply.track.passwordRule') }]}
            >
              <Input.Password autoComplete="off" inputMode="numeric" maxLength={6} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={track.isPending || bundleTrack.isPending}>
              {t('apply.track.submit')}
            </Button>
          </Form>
        </Card>
        {track.error || bundleTrack.error ? (
          <Alert type="error" showIcon role="alert" message={errorText(track.error ?? bundleTrack.error, lang)} />
        ) : null}
        {bundleTrack.data ? <BundleTrackResult r={bundleTrack.data} /> : null}
        {r ? (
          <section aria-label={t('apply.detail.timeline')}>
            <Descriptions bordered column={{ xs: 1, md: 2 }} size="small" style={{ marginBottom: 24 }}>
              <Descriptions.Item label={t('apply.track.serialNo')}>
                <code>{r.serialNo}</code>
              </Descriptions.Item>
              <Descriptions.Item label={t('apply.track.item')}>{r.itemName}</Descriptions.Item>
              <Descriptions.Item label={t('apply.track.state')}>
                <Tag color={stateColor(r.state)}>{stateText(t, r.state)}</Tag>
              </Descriptions.Item>
              <Descriptions.Item label={t('apply.track.dueDay')}>
                {r.dueDay ?? t('apply.detail.dueNone')}
              </Descriptions.Item>
              {r.outcome ? (
                <Descriptions.Item label={t('apply.track.outcome')}>
                  {t(`apply.detail.outcome.${r.outcome}`)}
                </Descriptions.Item>
              ) : null}
            </Descriptions>
            <Typography.Title level={2} style={{ fontSize: 20 }}>
              {t('apply.detail.timeline')}
            </Typography.Title>
            <CaseTimeline events={r.timeline} />
          </section>
        ) : null}
      </Space>
    </ElderFriendly>
  );
}
