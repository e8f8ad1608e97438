/**
 * The applicant's rating block on their case page: the rate button (when the case may be rated),
 * their rating, and the rectification of a bad rating with the measures and the satisfied/unsatisfied answer.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Descriptions, Input, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import {
  BAD_LEVEL,
  EVAL_KEY,
  INDICATORS,
  indicatorKey,
  kindKey,
  levelKey,
  type RaterRectification,
  type RatingAnswer,
} from '../evaluation/model.ts';
import { RatingDialog } from './RatingDialog.tsx';

export function RatingPanel({ caseId, onChanged }: { caseId: string; onChanged?: () => void }) {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState('');
  const q = useQuery({
    queryKey: [...EVAL_KEY, 'rating', caseId],
    queryFn: () => api.get<RatingAnswer>(`/cases/${encodeURIComponent(caseId)}/rating`),
  });
  const rect = q.data?.rectification && 'allowedActions' in q.data.rectification ? q.data.rectification : null;
  const respond = useMutation({
    mutationFn: (satisfied: boolean) =>
      api.post<RaterRectification>(`/evaluations/rectifications/${rect!.id}/actions`, {
        action: 'respond',
        expectedVersion: rect!.version,
        satisfied,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      }),
    onSuccess: () => {
      message.success(t('onestop.eval.responseSaved'));
      void qc.invalidateQueries({ queryKey: [...EVAL_KEY, 'rating', caseId] });
      onChanged?.();
    },
    onError: (e) => message.error(errorText(e, lang)),
  });

  if (q.isPending) return null;
  if (q.isError) return <Alert type="error" showIcon title={errorText(q.error, lang)} />;
  const { rating, canRate } = q.data;

  return (
    <Card title={<h2 className="yw-card-title">{t('onestop.eval.yourRating')}</h2>}>
      {!rating &&
        (canRate ? (
          <Button type="primary" onClick={() => setOpen(true)}>
            {t('onestop.eval.rate')}
          </Button>
        ) : (
          <Typography.Text type="secondary">{t('onestop.eval.notYet')}</Typography.Text>
        ))}
      {rating && (
        <Descriptions
          size="small"
          column={1}
          items={[
            {
              key: 'level',
              label: t('onestop.eval.level'),
              children: (
                <Space wrap>
                  <Tag color={rating.level <= BAD_LEVEL ? 'red' : 'green'}>{t(levelKey(rating.level))}</Tag>
                  {rating.excluded && <Typography.Text type="secondary">{t('onestop.eval.excluded')}</Typography.Text>}
                </Space>
              ),
            },
            ...INDICATORS.map((k) => ({
              key: k,
              label: t(indicatorKey(k)),
              children: t('onestop.eval.score', { n: rating.indicators[k] }),
            })),
            ...(rating.comment ? [{ key: 'comment', label: t('onestop.eval.comment'), children: rating.comment }] : []),
          ]}
        />
      )}
      {rect && (
        <section aria-label={t('onestop.eval.rectification')} style={{ marginTop: 16 }}>
          <Typography.Title level={3} style={{ fontSize: 16 }}>
            {t('onestop.eval.rectification')}
          </Typography.Title>
          {!rect.measures ? (
            <Typography.Paragraph>{t('onestop.eval.rectifyingHint')}</Typography.Paragraph>
          ) : (
            <Descriptions
              size="small"
              column={1}
              items={[
                { key: 'kind', label: t('onestop.eval.kind'), children: t(kindKey(rect.measures.kind)) },
                { key: 'measures', label: t('onestop.eval.measures'), children: rect.measures.measures },
                ...(rect.measures.ledgerDueDay
                  ? [{ key: 'due', label: t('onestop.eval.ledgerDueDay'), children: rect.measures.ledgerDueDay }]
                  : []),
                {
                  key: 'at',
                  label: t('onestop.eval.measuresAt'),
                  children: dayjs(rect.measures.at).format('YYYY-MM-DD HH:mm'),
                },
              ]}
            />
          )}
          {rect.feedback?.respondedAt && (
            <Typography.Paragraph>
              {t('onestop.eval.responded', {
                answer: rect.feedback.satisfied ? t('onestop.eval.satisfied') : t('onestop.eval.unsatisfied'),
              })}
            </Typography.Paragraph>
          )}
          {rect.allowedActions.includes('respond') && (
            <Space orientation="vertical" style={{ width: '100%' }}>
              <label htmlFor={`respond-${caseId}`}>{t('onestop.eval.satisfiedQ')}</label>
              <Input.TextArea
                id={`respond-${caseId}`}
                rows={2}
                maxLength={500}
                value={comment}
                onChange={(e) => setComment(e.target.value)}
                placeholder={t('onestop.eval.commentPlaceholder')}
              />
              <Space>
                <Button type="primary" loading={respond.isPending} onClick={() => respond.mutate(true)}>
                  {t('onestop.eval.satisfied')}
                </Button>
                <Button danger loading={respond.isPending} onClick={() => respond.mutate(false)}>
                  {t('onestop.eval.unsatisfied')}
                </Button>
              </Space>
            </Space>
          )}
        </section>
      )}
      <RatingDialog caseId={caseId} open={open} onClose={() => setOpen(false)} onRated={() => onChanged?.()} />
    </Card>
  );
}

export default RatingPanel;
