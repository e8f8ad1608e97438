import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Empty, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { MyBundleCases } from '../bundles/MyBundleCases.tsx';
import { ElderFriendly } from './ElderFriendly.tsx';
import { type CaseView, dateTime, STATES, stateColor, stateText } from './model.ts';

const PAGE_SIZE = 10;

/** /my/cases — the applicant's own cases, newest first; drafts can be continued. */
export default function MyCasesPage() {
  const { t, lang } = usePrefs();
  const navigate = useNavigate();
  const [state, setState] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ['cases', 'mine', state ?? '', page],
    queryFn: () => api.get<{ items: CaseView[]; total: number }>('/cases/mine', { state, page, pageSize: PAGE_SIZE }),
  });
  const draftLink = (c: CaseView) =>
    `/services/${encodeURIComponent(c.taskCode)}/apply?draft=${encodeURIComponent(c.id)}`;

  return (
    <ElderFriendly>
      <Space direction="vertical" size="large" style={{ width: '100%' }} className="yw-case">
        <Typography.Title level={1} className="yw-page-title">
          {t('apply.mine.title')}
        </Typography.Title>
        <MyBundleCases />
        <div className="yw-toolbar">
          <Select
            aria-label={t('apply.mine.filter')}
            placeholder={t('apply.mine.filter')}
            allowClear
            style={{ minWidth: 220 }}
            value={state}
            onChange={(v) => {
              setState(v);
              setPage(1);
            }}
            options={STATES.map((s) => ({ value: s, label: stateText(t, s) }))}
          />
        </div>
        {list.error ? <Alert type="error" showIcon message={errorText(list.error, lang)} /> : null}
        <Table<CaseView>
          rowKey="id"
          loading={list.isLoading}
          dataSource={list.data?.items ?? []}
          scroll={{ x: true }}
          locale={{
            emptyText: (
              <Empty description={t('apply.mine.empty')}>
                <Button type="primary" onClick={() => navigate('/services')}>
                  {t('apply.mine.goServices')}
                </Button>
              </Empty>
            ),
          }}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: list.data?.total ?? 0,
            onChange: setPage,
            showSizeChanger: false,
            showTotal: (n) => t('common.total', { n }),
          }}
          columns={[
            {
              title: t('apply.mine.item'),
              dataIndex: 'itemName',
              render: (v: string, c) => <Link to={`/my/cases/${encodeURIComponent(c.id)}`}>{v}</Link>,
            },
            { title: t('apply.mine.serialNo'), dataIndex: 'serialNo', render: (v: string) => <code>{v}</code> },
            {
              title: t('apply.mine.state'),
              dataIndex: 'state',
              render: (v: string) => <Tag color={stateColor(v)}>{stateText(t, v)}</Tag>,
            },
            { title: t('apply.mine.updated'), dataIndex: 'updatedAt', render: (v: string) => dateTime(v) },
            {
              title: t('apply.mine.ops'),
              key: 'ops',
              render: (_: unknown, c) => (
                <Space wrap>
                  {c.state === 'DRAFT' ? <Link to={draftLink(c)}>{t('apply.mine.continue')}</Link> : null}
                  <Link
                    to={`/my/cases/${encodeURIComponent(c.id)}`}
                    aria-label={`${t('apply.mine.view')} ${c.serialNo}`}
                  >
                    {t('apply.mine.view')}
                  </Link>
                </Space>
              ),
            },
          ]}
        />
      </Space>
    </ElderFriendly>
  );
}
