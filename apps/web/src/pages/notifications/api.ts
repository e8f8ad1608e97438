/** Notifications of the signed-in account (platform `notify`). */
export interface NotificationItem {
  id: string;
  kind: string;
  title: string;
  titleEn: string;
  body: string;
  bodyEn: string;
  link: string | null;
  readAt: string | null;
  createdAt: string;
}

export interface NotificationPage {
  items: NotificationItem[];
  total: number;
  unread: number;
  page: number;
  pageSize: number;
}

export const NOTIFICATIONS_KEY = ['notifications'] as const;
