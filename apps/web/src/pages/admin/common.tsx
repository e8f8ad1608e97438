import { UploadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { App as AntApp, Button, Modal, Select, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { ApiError, api, errorText, fileToBase64 } from '../../api.ts';
import { usePrefs } from '../../i18n/index.tsx';

export interface Page<T> {
  items: T[];
  total: number;
}

export function PageTitle({ children }: { children: React.ReactNode }) {
  return (
    <Typography.Title level={1} style={{ fontSize: 24, marginTop: 0 }}>
      {children}
    </Typography.Title>
  );
}

interface BadRow {
  row: number;
  field: string;
  code: string;
  message?: string;
}

/** Upload a CSV/XLSX file, read in the browser and posted as base64 JSON. Shows rejected rows. */
export function ImportButton({ path, label, onDone }: { path: string; label: string; onDone: () => void }) {
  const { t, lang } = usePrefs();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  const [bad, setBad] = useState<{ text: string; rows: BadRow[] } | null>(null);

  const run = async (file: File) => {
    setBusy(true);
    try {
      const contentBase64 = await fileToBase64(file);
      const res = await api.post<{ imported: number }>(path, { filename: file.name, contentBase64 });
      message.success(t('import.done', { n: res.imported }));
      onDone();
    } catch (e) {
      const rows = e instanceof ApiError && Array.isArray(e.body.rows) ? (e.body.rows as BadRow[]) : [];
      if (rows.length) setBad({ text: errorText(e, lang), rows });
      else message.error(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Upload
        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        showUploadList={false}
        beforeUpload={(file) => {
          void run(file);
          return false;
        }}
      >
        <Button icon={<UploadOutlined />} loading={busy}>
          {label}
        </Button>
      </Upload>
      <Modal
        open={!!bad}
        title={t('import.failed')}
        onCancel={() => setBad(null)}
        onOk={() => setBad(null)}
        cancelButtonProps={{ style: { display: 'none' } }}
        width={640}
      >
        <Typography.Paragraph>{bad?.text}</Typography.Paragraph>
        <Table<BadRow>
          size="small"
          rowKey={(r) => `${r.row}-${r.field}-${r.code}`}
          dataSource={bad?.rows ?? []}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          columns={[
            { title: t('import.row'), dataIndex: 'row', width: 80 },
            { title: t('import.field'), dataIndex: 'field' },
            { title: t('import.code'), dataIndex: 'code' },
            { title: t('import.message'), dataIndex: 'message' },
          ]}
        />
      </Modal>
    </>
  );
}

export type Option = { value: string; label: string };

/**
 * A select whose options are searched on the server as one types (`search(q)`, cached under
 * `queryKey` + q). The chosen value keeps a label (`valueLabel`) even when the current search does
 * not return it. Takes `id`, `value` and `onChange` from its Form.Item.
 */
export function ServerSearchSelect(props: {
  id?: string;
  value?: string;
  onChange?: (v: string) => void;
  queryKey: readonly unknown[];
  search: (q: string) => Promise<Option[]>;
  valueLabel?: string;
}) {
  const { t } = usePrefs();
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: [...props.queryKey, q],
    queryFn: () => props.search(q),
    staleTime: 60_000,
  });
  const options = [...(found.data ?? [])];
  const { value } = props;
  if (value && !options.some((o) => o.value === value)) options.unshift({ value, label: props.valueLabel ?? value });
  return (
    <Select
      id={props.id}
      value={value}
      onChange={props.onChange}
      showSearch={{ filterOption: false, onSearch: setQ }}
      loading={found.isFetching}
      notFoundContent={found.isFetching ? t('common.loading') : undefined}
      options={options}
    />
  );
}
