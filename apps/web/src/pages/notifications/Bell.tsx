import { BellOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button } from 'antd';
import { useNavigate } from 'react-router';
import { api } from '../../api.ts';
import { useT } from '../../i18n/index.tsx';
import { NOTIFICATIONS_KEY, type NotificationPage } from './api.ts';

/** Header bell with the unread count; opens /notifications. Refreshes every minute. */
export function NotificationBell() {
  const t = useT();
  const navigate = useNavigate();
  const q = useQuery({
    queryKey: [...NOTIFICATIONS_KEY, 'unread-count'],
    queryFn: () => api.get<NotificationPage>('/notifications', { unread: true, pageSize: 1 }),
    refetchInterval: 60_000,
    retry: false,
  });
  const n = q.data?.unread ?? 0;
  const label = n > 0 ? t('onestop.notify.bellUnread', { n }) : t('onestop.notify.bell');
  return (
    <Badge count={n} overflowCount={99} size="small">
      <Button icon={<BellOutlined />} aria-label={label} title={label} onClick={() => navigate('/notifications')} />
    </Badge>
  );
}
