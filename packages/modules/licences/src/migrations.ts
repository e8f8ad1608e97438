import type { Migrations } from '@yiwang/platform';
import { sql } from 'kysely';

export const licencesMigrations: Migrations = {
  '0050_licences': {
    async up(db) {
      await sql`
        -- The platform's certificate authority: one root and one issuing CA (keys sealed under SECRET_KEY).
        create table pki_cas (
          id text primary key,
          kind text not null unique check (kind in ('root', 'issuing')),
          name text not null,
          algorithm text not null,
          cert_pem text not null,
          key_sealed text not null,
          fingerprint text not null,
          not_after timestamptz not null,
          created_at timestamptz not null default now()
        );
        -- Other nodes' CA certificates whose seals are recognised here (互信互认).
        create table trust_anchors (
          id text primary key,
          node_name text not null,
          region_code text,
          cert_pem text not null,
          fingerprint text not null unique,
          subject text not null,
          not_after timestamptz not null,
          status text not null default 'active' check (status in ('active', 'removed')),
          added_by text,
          created_at timestamptz not null default now()
        );
        create table seals (
          id text primary key,
          department_id text not null references departments (id),
          name text not null,
          seal_type text not null,
          algorithm text not null check (algorithm in ('ED25519', 'P256', 'SM2')),
          public_key_pem text not null,
          private_key_sealed text not null,
          cert_pem text not null,
          cert_serial text not null,
          cert_fingerprint text not null,
          picture_kind text not null check (picture_kind in ('generated', 'uploaded')),
          picture_svg text,
          picture_png bytea,
          valid_from timestamptz not null,
          valid_to timestamptz not null,
          status text not null default 'active' check (status in ('active', 'suspended', 'revoked')),
          status_reason text,
          status_changed_at timestamptz,
          version int not null default 1,
          created_by text,
          created_at timestamptz not null default now()
        );
        create index seals_department on seals (department_id, status);
        -- 证照目录: licence types.
        create table licence_types (
          id text primary key,
          type_code text not null unique,
          name text not null,
          name_en text,
          authority_name text not null,
          authority_code text not null,
          holder_kind text not null check (holder_kind in ('person', 'enterprise')),
          metadata_schema json not null,
          template json not null,
          validity_years int,
          issuing_department_ids jsonb not null default '[]',
          task_codes jsonb not null default '[]',
          status text not null default 'active' check (status in ('active', 'retired')),
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create table licence_counters (
          type_id text not null references licence_types (id),
          day text not null,
          seq int not null,
          primary key (type_id, day)
        );
        create table licences (
          id text primary key,
          identifier text not null unique,
          type_id text not null references licence_types (id),
          licence_number text not null,
          version int not null,
          previous_id text references licences (id),
          issuer_department_id text not null references departments (id),
          issuer_name text not null,
          issuer_code text not null,
          holder_account_id text,
          holder_name text not null,
          holder_code_sealed text not null,
          holder_code_hmac text not null,
          holder_code_masked text not null,
          holder_code_type text not null,
          issue_date text not null,
          valid_from text not null,
          valid_to text,
          jurisdiction_code text not null,
          task_code text,
          task_name text,
          case_id text,
          data jsonb not null default '{}',
          disclosure jsonb not null default '[]',
          status text not null default 'valid' check (status in ('valid', 'revoked', 'cancelled', 'superseded')),
          status_reason text,
          status_changed_at timestamptz,
          seal_id text not null references seals (id),
          record_signature text not null,
          pdf bytea not null,
          pdf_sha256 text not null,
          created_by text,
          created_at timestamptz not null default now(),
          unique (type_id, licence_number, version)
        );
        create index licences_holder on licences (holder_account_id, status);
        create index licences_holder_code on licences (holder_code_hmac, type_id);
        create unique index licences_case on licences (case_id) where case_id is not null and previous_id is null;
        -- 加注件: time-limited authorised copies for a named purpose.
        create table licence_copies (
          id text primary key,
          licence_id text not null references licences (id),
          purpose text not null,
          recipient text,
          token_hash text not null unique,
          valid_until timestamptz not null,
          pdf bytea not null,
          created_by text not null,
          created_at timestamptz not null default now(),
          revoked_at timestamptz
        );
        create index licence_copies_licence on licence_copies (licence_id);
        -- 亮证: short-lived show tokens a verifier scans.
        create table licence_show_tokens (
          token_hash text primary key,
          licence_id text not null references licences (id),
          fields jsonb not null default '[]',
          expires_at timestamptz not null,
          created_by text not null,
          created_at timestamptz not null default now()
        );
        -- Licences the platform must issue for approved cases (a durable job does the work).
        create table licence_issue_requests (
          case_id text primary key,
          type_id text not null references licence_types (id),
          -- What the issuance needs of the case, copied from the approving transition (the cases
          -- module's tables are not read here): task, department, region, applicant, form, materials.
          snapshot jsonb not null,
          status text not null default 'pending' check (status in ('pending', 'issued', 'failed')),
          licence_id text references licences (id),
          last_error text,
          attempts int not null default 0,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
      `.execute(db);
    },
  },
};
