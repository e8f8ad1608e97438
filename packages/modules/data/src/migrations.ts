import type { Migrations } from '@yiwang/platform';
import { sql } from 'kysely';

export const dataMigrations: Migrations = {
  '0060_data_catalog': {
    async up(db) {
      await sql`
        create table data_levels (
          code text primary key,
          name text not null,
          name_en text not null,
          rank int not null unique,
          seal boolean not null,
          mask_action text not null check (mask_action in ('clear', 'mask', 'suppress'))
        );
        insert into data_levels values
          ('L1', '公开', 'Public', 1, false, 'clear'),
          ('L2', '内部', 'Internal', 2, false, 'clear'),
          ('L3', '敏感', 'Sensitive', 3, true, 'mask'),
          ('L4', '高敏感', 'Highly sensitive', 4, true, 'mask');
        create table data_mask_rules (
          code text primary key,
          name text not null,
          technique text not null check (technique in ('keep', 'generalise_address', 'pseudonym', 'suppress')),
          params jsonb not null default '{}'
        );
        insert into data_mask_rules values
          ('ID_NUMBER', '身份证号：保留前4位和后4位', 'keep', '{"head":4,"tail":4}'),
          ('NAME', '姓名：保留首字', 'keep', '{"head":1,"tail":0}'),
          ('PHONE', '手机号：保留前3位和后4位', 'keep', '{"head":3,"tail":4}'),
          ('ADDRESS', '地址：泛化到区县', 'generalise_address', '{}'),
          ('PSEUDONYM', '假名化：按使用方加密散列', 'pseudonym', '{}'),
          ('SUPPRESS', '屏蔽', 'suppress', '{}');
        create table data_resources (
          id text primary key,
          code text not null unique,
          name text not null,
          abstract text not null,
          provider_department_id text not null references departments(id),
          provider_department_name text not null,
          class int not null check (class in (1, 2, 3)),
          category_item text not null,
          category_catalog text not null,
          category_detail text not null,
          update_cycle text not null,
          share_type text not null,
          share_conditions text,
          share_method text not null,
          open_type text not null,
          open_conditions text,
          national_label text not null,
          key_field text not null,
          related_codes jsonb not null default '[]',
          status text not null default 'active',
          version int not null default 1,
          search_text text not null,
          publish_date date not null default current_date,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create index data_resources_provider on data_resources (provider_department_id);
        create table data_fields (
          resource_id text not null references data_resources(id) on delete cascade,
          position int not null,
          name text not null,
          label text not null,
          type text not null,
          identifier text not null,
          level_code text not null references data_levels(code),
          national_label text not null,
          format text,
          mask_rule text references data_mask_rules(code),
          required boolean not null default false,
          unique_values boolean not null default false,
          element text,
          authoritative boolean not null default false,
          description text,
          primary key (resource_id, name)
        );
        create index data_fields_element on data_fields (element) where element is not null;
      `.execute(db);
    },
  },
  '0061_data_connectors': {
    async up(db) {
      await sql`
        create table data_connectors (
          id text primary key,
          resource_id text not null references data_resources(id),
          name text not null,
          kind text not null check (kind in ('postgres', 'mysql', 'file', 'http')),
          config jsonb not null,
          secret_enc text,
          sync_mode text not null check (sync_mode in ('full', 'incremental')),
          change_column text,
          schedule_minutes int,
          schedule_seq int not null default 0,
          query_through boolean not null default false,
          watermark jsonb,
          active boolean not null default true,
          last_run_at timestamptz,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create index data_connectors_resource on data_connectors (resource_id);
        create table data_sync_runs (
          id text primary key,
          connector_id text not null references data_connectors(id),
          resource_id text not null references data_resources(id),
          trigger text not null,
          mode text not null,
          status text not null check (status in ('running', 'succeeded', 'failed')),
          started_at timestamptz not null,
          finished_at timestamptz,
          duration_ms int,
          rows_read int not null default 0,
          rows_written int not null default 0,
          rows_unchanged int not null default 0,
          rows_rejected int not null default 0,
          rows_deleted int not null default 0,
          rejections jsonb not null default '[]',
          error text,
          watermark_after jsonb
        );
        create index data_sync_runs_connector on data_sync_runs (connector_id, started_at desc);
        create table data_rows (
          resource_id text not null references data_resources(id),
          key_hash text not null,
          clear jsonb not null,
          sealed text,
          hashes jsonb not null default '{}',
          row_hash text not null,
          connector_id text,
          run_id text,
          synced_at timestamptz not null,
          primary key (resource_id, key_hash)
        );
      `.execute(db);
    },
  },
  '0062_data_sharing': {
    async up(db) {
      await sql`
        create table data_settings (key text primary key, value jsonb not null);
        insert into data_settings values ('decision_days', '10'), ('review_days', '365'), ('remind_before_days', '2');
        create table data_requests (
          id text primary key,
          resource_id text not null references data_resources(id),
          provider_department_id text not null references departments(id),
          consumer_department_id text not null references departments(id),
          consumer_department_name text not null,
          requested_by text,
          requester_name text,
          purpose text not null,
          legal_basis text not null,
          mode text not null check (mode in ('rows', 'predicate')),
          fields jsonb not null,
          clear_fields jsonb not null default '[]',
          period_from date not null,
          period_to date not null,
          expected_volume int not null,
          status text not null check (status in ('pending', 'granted', 'refused', 'revoked')),
          partial boolean not null default false,
          granted_fields jsonb,
          granted_clear_fields jsonb,
          due_day date,
          decided_by text,
          decided_by_name text,
          decided_at timestamptz,
          reason text,
          daily_quota int not null default 10000,
          rate_per_minute int not null default 600,
          review_due date,
          reviewed_at timestamptz,
          version int not null default 1,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create index data_requests_provider on data_requests (provider_department_id, status);
        create index data_requests_consumer on data_requests (consumer_department_id, status);
      `.execute(db);
    },
  },
  '0063_data_gateway': {
    async up(db) {
      await sql`
        create table data_clients (
          client_id text primary key,
          request_id text not null references data_requests(id),
          name text not null,
          secret_hash text not null,
          created_by text,
          created_at timestamptz not null default now(),
          revoked_at timestamptz
        );
        create index data_clients_request on data_clients (request_id);
        create table data_tokens (
          token_hash text primary key,
          client_id text not null references data_clients(client_id),
          request_id text not null references data_requests(id),
          expires_at timestamptz not null,
          revoked boolean not null default false
        );
        create table data_calls (
          id bigserial primary key,
          at timestamptz not null default now(),
          request_id text not null references data_requests(id),
          client_id text,
          consumer_department_id text not null,
          resource_id text not null references data_resources(id),
          kind text not null,
          purpose text not null,
          fields jsonb not null,
          key_hash text,
          rows int not null,
          answer_hash text not null,
          request_uid text not null,
          on_behalf_of text
        );
        create index data_calls_request_at on data_calls (request_id, at);
        create index data_calls_resource_at on data_calls (resource_id, at);
        create index data_calls_key on data_calls (key_hash) where key_hash is not null;
        create index data_calls_answer on data_calls (answer_hash);
        create table data_objections (
          id text primary key,
          resource_id text not null references data_resources(id),
          request_id text references data_requests(id),
          consumer_department_id text not null,
          consumer_department_name text not null,
          key_hash text,
          key_masked text,
          field text,
          description text not null,
          status text not null default 'open' check (status in ('open', 'accepted', 'rejected')),
          reply text,
          filed_at timestamptz not null default now(),
          answered_at timestamptz,
          answered_by_name text
        );
        create index data_objections_resource on data_objections (resource_id, status);
      `.execute(db);
    },
  },
  '0064_data_no_proof': {
    async up(db) {
      await sql`
        alter table data_calls add column task_code text, add column material text, add column via text not null default 'gateway';
        create index data_calls_task on data_calls (task_code) where task_code is not null;
      `.execute(db);
    },
  },
  // Quota and rate counters per grant and period ('d:YYYY-MM-DD', 'm:<minute number>'), so a call
  // checks its limits with one short upsert instead of counting the grant's calls under its lock.
  '0065_data_grant_usage': {
    async up(db) {
      await sql`
        create table data_grant_usage (
          request_id text not null references data_requests (id),
          period text not null,
          calls int not null,
          primary key (request_id, period)
        );
      `.execute(db);
    },
  },
  // A generation number of what the gateway caches per process (resources, fields, levels, mask
  // rules, query-through connectors): every statement that changes one of them bumps it, and each
  // gateway call reads it in the same statement as its row, so a cached copy is never used stale.
  '0066_data_meta_generation': {
    async up(db) {
      await sql`
        create table data_meta_generation (id int primary key check (id = 1), n bigint not null);
        insert into data_meta_generation values (1, 1);
        create function data_meta_bump() returns trigger language plpgsql as $$
          begin update data_meta_generation set n = n + 1 where id = 1; return null; end $$;
        create trigger data_resources_meta after insert or update or delete on data_resources
          for each statement execute function data_meta_bump();
        create trigger data_fields_meta after insert or update or delete on data_fields
          for each statement execute function data_meta_bump();
        create trigger data_levels_meta after insert or update or delete on data_levels
          for each statement execute function data_meta_bump();
        create trigger data_mask_rules_meta after insert or update or delete on data_mask_rules
          for each statement execute function data_meta_bump();
        create trigger data_connectors_meta after insert or delete or update of resource_id, query_through, active
          on data_connectors for each statement execute function data_meta_bump();
      `.execute(db);
    },
  },
  // The gateway's key call as a PL/pgSQL function: its four-table join is planned once per
  // connection (PL/pgSQL caches the plan) instead of on every call (about 0.3 ms of planning
  // against 0.1 ms of execution). The grant row comes as jsonb, so the function does not change
  // when data_requests gains a column.
  '0067_data_key_call': {
    async up(db) {
      await sql`
        create function data_key_call(p_token_hash text, p_key_hash text)
        returns table (t_client_id text, t_expires_at timestamptz, t_revoked boolean, q jsonb,
          meta_gen bigint, d_key_hash text, d_clear jsonb, d_sealed text)
        language plpgsql stable as $$
        begin
          return query
            select t.client_id, t.expires_at, t.revoked, to_jsonb(r), g.n, d.key_hash, d.clear, d.sealed
            from data_tokens t
            join data_requests r on r.id = t.request_id
            cross join data_meta_generation g
            left join data_rows d on d.resource_id = r.resource_id and d.key_hash = p_key_hash
            where t.token_hash = p_token_hash;
        end $$;
      `.execute(db);
    },
  },
  '0068_data_key_call_version': {
    async up(db) {
      // - data_calls is an append-only ledger of calls: its foreign keys to data_requests and
      //   data_resources (rows that are never deleted) made every call row take a KEY SHARE lock on
      //   the grant row, which concurrent calls of one grant turned into multixacts.
      // - The key call answers the grant row as jsonb only when the caller's copy is not of the
      //   row's current version (`xmin`, which every update of the row changes), and the token's
      //   expiry as epoch milliseconds.
      await sql`
        alter table data_calls drop constraint if exists data_calls_request_id_fkey,
          drop constraint if exists data_calls_resource_id_fkey;
        drop function if exists data_key_call(text, text);
        create function data_key_call(p_token_hash text, p_key_hash text, p_known text)
        returns table (t_client_id text, t_expires_ms double precision, t_revoked boolean, r_id text,
          r_version text, q jsonb, meta_gen bigint, d_key_hash text, d_clear jsonb, d_sealed text)
        language plpgsql stable as $$
        begin
          return query
            select t.client_id, extract(epoch from t.expires_at)::double precision * 1000, t.revoked, r.id,
              r.xmin::text, case when r.xmin::text = p_known then null else to_jsonb(r) end,
              g.n, d.key_hash, d.clear, d.sealed
            from data_tokens t
            join data_requests r on r.id = t.request_id
            cross join data_meta_generation g
            left join data_rows d on d.resource_id = r.resource_id and d.key_hash = p_key_hash
            where t.token_hash = p_token_hash;
        end $$;
      `.execute(db);
    },
  },
  // 溯源 by a person's key must find the filter queries whose answer held their row, not only the
  // calls made by that key: such a call records the keys (HMACs) of the rows it returned.
  '0072_data_calls_row_keys': {
    async up(db) {
      await sql`
        alter table data_calls add column row_keys jsonb;
        create index data_calls_row_keys on data_calls using gin (row_keys jsonb_path_ops) where row_keys is not null;
      `.execute(db);
    },
  },
};
