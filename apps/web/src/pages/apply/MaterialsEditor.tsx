import { UploadOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, Space, Tag, Typography, Upload, type UploadFile } from 'antd';
import { type Dispatch, type SetStateAction, useState } from 'react';
import { errorText } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';
import { SharedDataMaterial } from '../data/SharedDataMaterial.tsx';
import { EcertMaterial } from '../licences/Ecert.tsx';
import {
  type FileMeta,
  fileSize,
  formatsOf,
  type GuideMaterial,
  labelOf,
  type MaterialValue,
  type MaterialValues,
  uploadFile,
} from './model.ts';

const EMPTY: MaterialValue = { files: [], commitment: false };

interface Props {
  taskCode: string;
  materials: GuideMaterial[];
  values: MaterialValues;
  setValues: Dispatch<SetStateAction<MaterialValues>>;
  /** Error text per material name. */
  errors?: Record<string, string>;
  /** Called when the applicant changes a material (e.g. to clear its error). */
  onTouched?: (name: string) => void;
  /** Notes per material (e.g. from a supplement notice). */
  notes?: Record<string, string | null | undefined>;
  disabled?: boolean;
  /** SHARED_DATA materials hand over form values fetched for the applicant (免证明 pre-fill). */
  onPrefill?: (values: Record<string, unknown>) => void;
}

/** The materials of an item, each by its fulfilment: UPLOAD → file upload, COMMITMENT → a commitment checkbox. */
export function MaterialsEditor({
  taskCode,
  materials,
  values,
  setValues,
  errors,
  onTouched,
  notes,
  disabled,
  onPrefill,
}: Props) {
  const { t } = usePrefs();
  if (!materials.length) return <Typography.Paragraph>{t('apply.noMaterials')}</Typography.Paragraph>;
  const update = (name: string, fn: (v: MaterialValue) => MaterialValue) => {
    setValues((prev) => ({ ...prev, [name]: fn(prev[name] ?? EMPTY) }));
    onTouched?.(name);
  };
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {materials.map((m, i) => {
        const headingId = `yw-material-${i}`;
        const err = errors?.[m.name];
        const note = notes?.[m.name];
        return (
          <Card
            key={m.name}
            size="small"
            role="group"
            aria-labelledby={headingId}
            className={err ? 'yw-material yw-material-error' : 'yw-material'}
            title={
              <Space wrap>
                <span id={headingId} className="yw-material-name">
                  {m.name}
                </span>
                {m.required ? (
                  <Tag color="red">
                    <span aria-hidden="true">* </span>
                    {t('apply.requiredMark')}
                  </Tag>
                ) : (
                  <Tag>{t('apply.optionalMark')}</Tag>
                )}
                <Tag>{labelOf(t, 'services.material', m.type)}</Tag>
              </Space>
            }
          >
            {note ? (
              <Typography.Paragraph strong style={{ marginBottom: 8 }}>
                {note}
              </Typography.Paragraph>
            ) : null}
            {m.acceptanceStandard && m.fulfilment !== 'COMMITMENT' ? (
              <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                {t('apply.acceptance', { text: m.acceptanceStandard })}
              </Typography.Paragraph>
            ) : null}
            {m.fulfilment === 'UPLOAD' ? (
              <UploadMaterial
                taskCode={taskCode}
                material={m}
                files={(values[m.name] ?? EMPTY).files}
                disabled={disabled}
                onFiles={(fn) => update(m.name, (v) => ({ ...v, files: fn(v.files) }))}
              />
            ) : m.fulfilment === 'COMMITMENT' ? (
              <>
                <Checkbox
                  checked={(values[m.name] ?? EMPTY).commitment}
                  disabled={disabled}
                  onChange={(e) => update(m.name, (v) => ({ ...v, commitment: e.target.checked }))}
                >
                  <strong>{t('apply.commitLabel')}</strong>
                  {t('apply.commitText', { material: m.name })}
                </Checkbox>
                <details className="yw-upload-instead" open={(values[m.name] ?? EMPTY).files.length > 0}>
                  <summary>{t('apply.uploadInstead')}</summary>
                  <UploadMaterial
                    taskCode={taskCode}
                    material={m}
                    files={(values[m.name] ?? EMPTY).files}
                    disabled={disabled}
                    onFiles={(fn) => update(m.name, (v) => ({ ...v, files: fn(v.files) }))}
                  />
                </details>
              </>
            ) : m.fulfilment === 'ECERT' ? (
              <EcertMaterial
                name={m.name}
                typeCode={m.licenceTypeCode}
                value={(values[m.name] ?? EMPTY).ref}
                hasFiles={(values[m.name] ?? EMPTY).files.length > 0}
                disabled={disabled}
                onChange={(ref) => update(m.name, (v) => ({ ...v, ref }))}
                upload={
                  <UploadMaterial
                    taskCode={taskCode}
                    material={m}
                    files={(values[m.name] ?? EMPTY).files}
                    disabled={disabled}
                    onFiles={(fn) => update(m.name, (v) => ({ ...v, files: fn(v.files) }))}
                  />
                }
              />
            ) : m.fulfilment === 'SHARED_DATA' ? (
              <SharedDataMaterial
                taskCode={taskCode}
                name={m.name}
                value={(values[m.name] ?? EMPTY).shared === true}
                hasFiles={(values[m.name] ?? EMPTY).files.length > 0}
                disabled={disabled}
                onChange={(shared) => update(m.name, (v) => ({ ...v, shared }))}
                onPrefill={onPrefill}
                upload={
                  <UploadMaterial
                    taskCode={taskCode}
                    material={m}
                    files={(values[m.name] ?? EMPTY).files}
                    disabled={disabled}
                    onFiles={(fn) => update(m.name, (v) => ({ ...v, files: fn(v.files) }))}
                  />
                }
              />
            ) : (
              <Typography.Paragraph style={{ marginBottom: 0 }}>
                {t('apply.otherFulfilment', { how: labelOf(t, 'apply.how', m.fulfilment) })}
              </Typography.Paragraph>
            )}
            {err ? (
              <Typography.Paragraph type="danger" role="alert" style={{ margin: '8px 0 0' }}>
                {err}
              </Typography.Paragraph>
            ) : null}
          </Card>
        );
      })}
    </Space>
  );
}

function UploadMaterial({
  taskCode,
  material,
  files,
  onFiles,
  disabled,
}: {
  taskCode: string;
  material: GuideMaterial;
  files: FileMeta[];
  onFiles: (fn: (files: FileMeta[]) => FileMeta[]) => void;
  disabled?: boolean;
}) {
  const { t, lang } = usePrefs();
  const [pending, setPending] = useState<UploadFile[]>([]);
  const [error, setError] = useState<string | null>(null);
  const { exts, accept } = formatsOf(material);
  const mb = material.maxSizeMb ?? 20;

  const start = async (file: File & { uid?: string }) => {
    const uid = file.uid ?? `${Date.now()}-${file.name}`;
    setError(null);
    setPending((p) => [...p, { uid, name: file.name, status: 'uploading', percent: 50 }]);
    try {
      const meta = await uploadFile(file, taskCode, material.name);
      setPending((p) => p.filter((x) => x.uid !== uid));
      onFiles((fs) => [...fs, meta]);
    } catch (e) {
      const text = errorText(e, lang);
      setPending((p) => p.filter((x) => x.uid !== uid));
      setError(t('apply.uploadFailed', { message: text }));
    }
  };

  const fileList: UploadFile[] = [
    ...files.map(
      (f): UploadFile => ({
        uid: f.id,
        name: `${f.name}（${fileSize(f.size)}）`,
        status: 'done',
        url: `/api/v1/cases/files/${encodeURIComponent(f.id)}`,
      }),
    ),
    ...pending,
  ];

  return (
    <div>
      <Upload
        accept={accept}
        multiple
        disabled={disabled}
        fileList={fileList}
        beforeUpload={(file) => {
          void start(file);
          return Upload.LIST_IGNORE;
        }}
        onRemove={(f) => {
          onFiles((fs) => fs.filter((x) => x.id !== f.uid));
          return true;
        }}
        showUploadList={{ showRemoveIcon: !disabled }}
      >
        <Button
          icon={<UploadOutlined />}
          disabled={disabled}
          aria-label={t('common.pair', { label: t('apply.upload'), value: material.name })}
        >
          {t('apply.upload')}
        </Button>
      </Upload>
      <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
        {t('apply.limits', { formats: exts.map((e) => e.toUpperCase()).join(lang === 'en' ? ', ' : '、'), mb })}
      </Typography.Paragraph>
      {pending.length ? (
        <span className="yw-sr-only" role="status">
          {t('apply.uploading')}
        </span>
      ) : null}
      {error ? (
        <Typography.Paragraph type="danger" role="alert" style={{ margin: '8px 0 0' }}>
          {error}
        </Typography.Paragraph>
      ) : null}
    </div>
  );
}
