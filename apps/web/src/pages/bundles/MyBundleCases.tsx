import { useQuery } from '@tanstack/react-query';
import { Alert, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { dateTime } from '../apply/model.ts';
import { type BundleCaseView, bundleStateColor, bundleStateText } from './model.ts';

/** The applicant's bundle cases (一件事), shown on /my/cases above the single cases; nothing when there are none. */
export function MyBundleCases() {
  const { t, lang } = usePrefs();
  const list = useQuery({
    queryKey: ['bundles', 'mine'],
    queryFn: () => api.get<{ items: BundleCaseView[]; total: number }>('/bundles/cases/mine'),
  });
  if (list.error) return <Alert type="error" showIcon message={errorText(list.error, lang)} />;
  const items = list.data?.items ?? [];
  if (!items.length) return null;
  return (
    <>
      <section aria-labelledby="yw-my-bundles">
        <Typography.Title level={2} id="yw-my-bundles" style={{ fontSize: 20 }}>
          {t('bundles.mine.title')}
        </Typography.Title>
        <Table<BundleCaseView>
          rowKey="id"
          dataSource={items}
          pagination={items.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
          scroll={{ x: true }}
          columns={[
            {
              title: t('bundles.mine.bundle'),
              dataIndex: 'bundleName',
              render: (v: string, b) => <Link to={`/my/bundles/${encodeURIComponent(b.id)}`}>{v}</Link>,
            },
            { title: t('apply.mine.serialNo'), dataIndex: 'serialNo', render: (v: string) => <code>{v}</code> },
            {
              title: t('apply.mine.state'),
              dataIndex: 'state',
              render: (v: string) => <Tag color={bundleStateColor(v)}>{bundleStateText(t, v)}</Tag>,
            },
            { title: t('bundles.case.dueDay'), dataIndex: 'dueDay', render: (v: string | null) => v ?? '—' },
            { title: t('apply.detail.createdAt'), dataIndex: 'createdAt', render: (v: string) => dateTime(v) },
          ]}
        />
      </section>
      <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
        {t('bundles.mine.single')}
      </Typography.Title>
    </>
  );
}
