import { Empty, Tag, Timeline, Typography } from 'antd';
import { usePrefs } from '../../i18n/index.tsx';
import { actionText, dateTime, stateColor, stateText, type TimelineEvent } from './model.ts';

/** The events of a case, oldest first, newest marked. Actors and reasons only when given (not in tracking). */
export function CaseTimeline({ events }: { events: TimelineEvent[] }) {
  const { t } = usePrefs();
  if (!events.length) return <Empty description={t('apply.detail.timelineEmpty')} />;
  const last = events.length - 1;
  return (
    <Timeline
      className="yw-case-timeline"
      items={events.map((e, i) => ({
        key: e.seq,
        color: i === last ? 'blue' : 'gray',
        content: (
          <div>
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
