/**
 * Rating dialog of a concluded case (好差评): five levels 非常满意 … 非常不满意, the five online
 * indicators as 1–5 rates, and a comment (required for a bad rating). Used by the portal's case page.
 */
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Form, Input, Modal, Radio, Rate, Space, Typography } from 'antd';
import { useState } from 'react';
import { ApiError, api, errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import {
  BAD_LEVEL,
  EVAL_KEY,
  INDICATORS,
  type Indicator,
  indicatorKey,
  LEVELS,
  levelKey,
  type Rating,
} from '../evaluation/model.ts';

interface Values {
  level?: number;
  indicators?: Partial<Record<Indicator, number>>;
  comment?: string;
}

export interface RatingDialogProps {
  caseId: string;
  open: boolean;
  onClose: () => void;
  /** Called with the stored rating after a successful submission (before onClose). */
  onRated?: (rating: Rating) => void;
}

function IndicatorRate({
  id,
  label,
  value,
  onChange,
}: {
  id?: string;
  label: string;
  value?: number;
  onChange?: (v: number) => void;
}) {
  const { t } = usePrefs();
  return (
    <Space>
      <Rate
        id={id}
        // a labelled radio group of the five star radios (else a plain list); passed on, though not in RateProps
        {...{ role: 'radiogroup' }}
        aria-label={label}
        value={value}
        onChange={onChange}
        tooltips={[1, 2, 3, 4, 5].map((n) => t('onestop.eval.score', { n }))}
      />
      <span aria-live="polite">{value ? t('onestop.eval.score', { n: value }) : ''}</span>
    </Space>
  );
}

export function RatingDialog({ caseId, open, onClose, onRated }: RatingDialogProps) {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const level = Form.useWatch('level', form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const bad = typeof level === 'number' && level <= BAD_LEVEL;

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const rating = await api.post<Rating>(`/cases/${encodeURIComponent(caseId)}/rating`, {
        level: v.level,
        indicators: v.indicators,
        ...(v.comment?.trim() ? { comment: v.comment.trim() } : {}),
      });
      message.success(rating.level <= BAD_LEVEL ? t('onestop.eval.thanksBad') : t('onestop.eval.thanks'));
      await qc.invalidateQueries({ queryKey: [...EVAL_KEY, 'rating', caseId] });
      onRated?.(rating);
      form.resetFields();
      onClose();
    } catch (e) {
      if (e instanceof ApiError && e.field) {
        const name = e.field.startsWith('indicators.') ? ['indicators', e.field.slice(11)] : [e.field];
        if (name[0] === 'level' || name[0] === 'comment' || name[0] === 'indicators') {
          form.setFields([{ name: name as ['level'], errors: [e.text(lang)] }]);
          return;
        }
      }
      setError(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('onestop.eval.dialogTitle')}
      okText={t('onestop.eval.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
      width={620}
    >
      <Typography.Paragraph type="secondary">{t('onestop.eval.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form<Values> form={form} layout="vertical" name={`rating-${caseId}`} onFinish={submit}>
        <Form.Item
          name="level"
          label={t('onestop.eval.level')}
          rules={[{ required: true, message: t('onestop.eval.levelRequired') }]}
        >
          <Radio.Group aria-label={t('onestop.eval.level')}>
            <Space orientation="vertical">
              {LEVELS.map((n) => (
                <Radio key={n} value={n}>
                  {t(levelKey(n))}
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <legend style={{ fontSize: 14, marginBottom: 8 }}>{t('onestop.eval.indicators')}</legend>
          {INDICATORS.map((k) => (
            <Form.Item
              key={k}
              name={['indicators', k]}
              label={t(indicatorKey(k))}
              rules={[{ required: true, message: t('onestop.eval.scoreRequired', { name: t(indicatorKey(k)) }) }]}
              style={{ marginBottom: 8 }}
            >
              <IndicatorRate label={t(indicatorKey(k))} />
            </Form.Item>
          ))}
        </fieldset>
        <Form.Item
          name="comment"
          label={bad ? t('onestop.eval.commentBad') : t('onestop.eval.comment')}
          rules={[{ required: bad, whitespace: true, message: t('onestop.eval.commentBad') }]}
        >
          <Input.TextArea rows={3} maxLength={500} showCount placeholder={t('onestop.eval.commentPlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default RatingDialog;
