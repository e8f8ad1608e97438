import { Descriptions, Table, Tag, Typography } from 'antd';
import { usePrefs } from '../../i18n/index.tsx';
import { stateColor, stateText } from '../apply/model.ts';
import { type BundleTrackView, bundleStateColor, bundleStateText } from './model.ts';

/** Public tracking result of a bundle case (serial number starting with YB): the items and their states, no personal data. */
export function BundleTrackResult({ r }: { r: BundleTrackView }) {
  const { t } = usePrefs();
  return (
    <section aria-labelledby="yw-bundle-track">
      <Typography.Title level={2} id="yw-bundle-track" style={{ fontSize: 20 }}>
        {t('bundles.track.title', { name: r.bundleName })}
      </Typography.Title>
      <Descriptions bordered column={{ xs: 1, md: 2 }} size="small" style={{ marginBottom: 24 }}>
        <Descriptions.Item label={t('apply.track.serialNo')}>
          <code>{r.serialNo}</code>
        </Descriptions.Item>
        <Descriptions.Item label={t('bundles.case.bundle')}>{r.bundleName}</Descriptions.Item>
        <Descriptions.Item label={t('apply.track.state')}>
          <Tag color={bundleStateColor(r.state)}>{bundleStateText(t, r.state)}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('bundles.case.dueDay')}>{r.dueDay ?? t('common.none')}</Descriptions.Item>
      </Descriptions>
      <Table
        rowKey={(c) => c.itemName}
        pagination={false}
        dataSource={r.children}
        scroll={{ x: true }}
        columns={[
          { title: t('apply.track.item'), dataIndex: 'itemName' },
          {
            title: t('apply.track.state'),
            dataIndex: 'state',
            // a child still in DRAFT waits for its prerequisites
            render: (v: string) =>
              v === 'DRAFT' ? (
                <Tag color="gold">{t('bundles.case.waiting')}</Tag>
              ) : (
                <Tag color={stateColor(v)}>{stateText(t, v)}</Tag>
              ),
          },
          {
            title: t('apply.track.outcome'),
            dataIndex: 'outcome',
            render: (v: string | null) => (v ? t(`apply.detail.outcome.${v as 'APPROVED' | 'DENIED'}`) : '—'),
          },
          {
            title: t('apply.track.dueDay'),
            dataIndex: 'dueDay',
            render: (v: string | null) => v ?? t('apply.detail.dueNone'),
          },
        ]}
      />
    </section>
  );
}
