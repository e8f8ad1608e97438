/** Small presentational pieces shared by the inbox and the case page. */
import {
  CheckCircleOutlined,
  ClockCircleOutlined,
  ExclamationCircleOutlined,
  MinusCircleOutlined,
  PauseCircleOutlined,
} from '@ant-design/icons';
import { Tag } from 'antd';
import { useT } from '../../i18n/index.tsx';
import { type CaseView, CLOCK_STATES, type DeadlineStatus, PAUSED_STATES, stateLabel } from './caseModel.ts';
import './workbench.css';

/** Deadline status as a tag: colour plus icon plus text (never colour alone). */
export function DeadlineTag({
  status,
  running = true,
  paused = false,
}: {
  status: DeadlineStatus | undefined;
  running?: boolean;
  paused?: boolean;
}) {
  const t = useT();
  if (paused)
    return (
      <Tag icon={<PauseCircleOutlined aria-hidden />} variant="outlined">
        {t('workbench.deadline.paused')}
      </Tag>
    );
  if (!running || !status)
    return (
      <Tag icon={<MinusCircleOutlined aria-hidden />} variant="outlined">
        {t('workbench.deadline.notRunning')}
      </Tag>
    );
  if (status === 'overdue')
    return (
      <Tag color="error" icon={<ExclamationCircleOutlined aria-hidden />} className="yw-deadline-overdue">
        {t('workbench.deadline.overdue')}
      </Tag>
    );
  if (status === 'warning')
    return (
      <Tag color="warning" icon={<ClockCircleOutlined aria-hidden />} className="yw-deadline-warning">
        {t('workbench.deadline.warning')}
      </Tag>
    );
  return <Tag icon={<CheckCircleOutlined aria-hidden />}>{t('workbench.deadline.normal')}</Tag>;
}

/** The deadline tag of a case: only cases whose clock runs have one. */
export function CaseDeadline({ c }: { c: Pick<CaseView, 'state' | 'deadlineStatus' | 'dueDay'> }) {
  return (
    <DeadlineTag
      status={c.deadlineStatus}
      running={CLOCK_STATES.includes(c.state) && !!c.dueDay}
      paused={PAUSED_STATES.includes(c.state) && !!c.dueDay}
    />
  );
}

const STATE_COLORS: Record<string, string> = {
  SUBMITTED: 'blue',
  PRE_REVIEW: 'blue',
  RECEIVED: 'cyan',
  SUPPLEMENT_NOTICE: 'gold',
  PRE_REVIEW_RETURNED: 'gold',
  ACCEPTED: 'geekblue',
  REVIEWING: 'geekblue',
  SUSPENDED: 'purple',
  DECIDED: 'green',
  COMPLETED: 'green',
  DELIVERED: 'green',
  NOT_ACCEPTED: 'default',
  WITHDRAWN: 'default',
  VOIDED: 'default',
};

export function StateTag({ state }: { state: string }) {
  const t = useT();
  return <Tag color={STATE_COLORS[state] ?? 'default'}>{stateLabel(t, state)}</Tag>;
}
