import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Empty, List, Segmented, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { NOTIFICATIONS_KEY, type NotificationItem, type NotificationPage } from './api.ts';

/** /notifications — the signed-in account's in-app notifications. */
export default function NotificationsPage() {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [unread, setUnread] = useState(false);
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: [...NOTIFICATIONS_KEY, 'list', unread, page],
    queryFn: () => api.get<NotificationPage>('/notifications', { unread: unread || undefined, page, pageSize: 20 }),
    placeholderData: keepPreviousData,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: NOTIFICATIONS_KEY });
  const markRead = useMutation({
    mutationFn: (id: string) => api.post<NotificationItem>(`/notifications/${id}/read`),
    onSuccess: refresh,
    onError: (e) => message.error(errorText(e, lang)),
  });
  const readAll = useMutation({
    mutationFn: () => api.post<{ updated: number }>('/notifications/read-all'),
    onSuccess: (r) => {
      message.success(t('onestop.notify.readAllDone', { n: r.updated }));
      void refresh();
    },
    onError: (e) => message.error(errorText(e, lang)),
  });

  const open = async (n: NotificationItem) => {
    if (!n.readAt) await markRead.mutateAsync(n.id).catch(() => undefined);
    if (n.link) navigate(n.link);
  };

  return (
    <Card>
      <Space style={{ width: '100%', justifyContent: 'space-between', flexWrap: 'wrap' }}>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {t('onestop.notify.title')}
        </Typography.Title>
        <Space wrap>
          <Segmented<'all' | 'unread'>
            aria-label={t('onestop.notify.title')}
            value={unread ? 'unread' : 'all'}
            onChange={(v) => {
              setUnread(v === 'unread');
              setPage(1);
            }}
            options={[
              { value: 'all', label: t('onestop.notify.all') },
              { value: 'unread', label: `${t('onestop.notify.unread')} (${list.data?.unread ?? 0})` },
            ]}
          />
          <Button
            onClick={() => readAll.mutate()}
            loading={readAll.isPending}
            disabled={(list.data?.unread ?? 0) === 0}
          >
            {t('onestop.notify.readAll')}
          </Button>
        </Space>
      </Space>
      {list.isError && <Alert type="error" showIcon title={errorText(list.error, lang)} style={{ marginTop: 16 }} />}
      <List<NotificationItem>
        style={{ marginTop: 16 }}
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: <Empty description={t('onestop.notify.empty')} /> }}
        pagination={
          (list.data?.total ?? 0) > 20
            ? { current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage }
            : false
        }
        renderItem={(n) => (
          <List.Item
            actions={[
              ...(n.link
                ? [
                    <Button key="open" type="link" onClick={() => void open(n)}>
                      {t('onestop.notify.open')}
                    </Button>,
                  ]
                : []),
              ...(!n.readAt
                ? [
                    <Button key="read" type="link" onClick={() => markRead.mutate(n.id)}>
                      {t('onestop.notify.markRead')}
                    </Button>,
                  ]
                : []),
            ]}
          >
            <List.Item.Meta
              title={
                <Space wrap>
                  {n.readAt ? (
                    <Tag>{t('onestop.notify.isRead')}</Tag>
                  ) : (
                    <Tag color="blue">{t('onestop.notify.isUnread')}</Tag>
                  )}
                  <span style={{ fontWeight: n.readAt ? 'normal' : 600 }}>{lang === 'en' ? n.titleEn : n.title}</span>
                </Space>
              }
              description={
                <>
                  <Typography.Paragraph style={{ marginBottom: 4 }}>
                    {lang === 'en' ? n.bodyEn : n.body}
                  </Typography.Paragraph>
                  <time dateTime={n.createdAt}>{dayjs(n.createdAt).format('YYYY-MM-DD HH:mm')}</time>
                </>
              }
            />
          </List.Item>
        )}
      />
    </Card>
  );
}
