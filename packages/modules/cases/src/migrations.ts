import type { Migrations } from '@yiwang/platform';
import { sql } from 'kysely';

export const casesMigrations: Migrations = {
  '0030_cases': {
    async up(db) {
      await sql`
        create table cases (
          id text primary key,
          serial_no text not null unique,
          query_password_hash text not null,
          task_code text not null,
          task_version int not null,
          item_name text not null,
          department_id text not null,
          region_code text not null,
          applicant_account_id text not null,
          applicant_type text not null,
          applicant_name text not null,
          form_data jsonb not null default '{}',
          materials jsonb not null default '[]',
          state text not null,
          outcome text check (outcome in ('APPROVED', 'DENIED')),
          promised_limit int not null,
          promised_unit int not null,
          statutory_limit int not null,
          statutory_unit int not null,
          received_at timestamptz,
          accepted_at timestamptz,
          due_day text,
          statutory_due_day text,
          suspended_since timestamptz,
          pauses jsonb not null default '[]',
          version int not null default 1,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create index cases_applicant on cases (applicant_account_id, created_at);
        create index cases_department on cases (department_id, state, due_day);
        create index cases_region on cases (region_code, state, due_day);
        create table case_events (
          id bigserial primary key,
          case_id text not null references cases (id),
          seq int not null,
          from_state text,
          to_state text not null,
          action text not null,
          actor_id text,
          actor_name text,
          reason text,
          detail jsonb,
          at timestamptz not null default now(),
          unique (case_id, seq)
        );
      `.execute(db);
    },
  },
  '0031_cases_materials_steps': {
    async up(db) {
      await sql`
        create table case_files (
          id text primary key,
          owner_account_id text not null,
          name text not null,
          mime text not null,
          size int not null,
          sha256 text not null,
          content bytea not null,
          created_at timestamptz not null default now()
        );
        create index case_files_owner on case_files (owner_account_id, created_at);
        alter table cases add column supplement jsonb;
        alter table cases add column procedures jsonb not null default '[]';
        alter table cases add column steps jsonb not null default '[]';
        alter table cases add column current_step int;
        alter table cases add column countersign jsonb;
        alter table cases add column extended_days int not null default 0;
        alter table cases add column warn_day text;
        alter table cases add column deadline_flag text;
        create index cases_state_due on cases (state, due_day);
      `.execute(db);
    },
  },
  '0032_cases_bundles': {
    async up(db) {
      await sql`
        create table bundles (
          code text primary key,
          name text not null,
          name_en text not null,
          description text,
          theme text not null,
          lead_department_id text not null,
          applicant_types jsonb not null,
          scenarios jsonb not null default '[]',
          members jsonb not null,
          form jsonb not null,
          materials jsonb not null,
          joint_deadline_days int not null,
          status text not null default 'published',
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now()
        );
        create table bundle_cases (
          id text primary key,
          serial_no text not null unique,
          query_password_hash text not null,
          bundle_code text not null references bundles (code),
          bundle_name text not null,
          applicant_account_id text not null,
          applicant_name text not null,
          answers jsonb not null default '{}',
          form_data jsonb not null default '{}',
          state text not null check (state in ('IN_PROGRESS', 'COMPLETED', 'WITHDRAWN')),
          due_day text,
          version int not null default 1,
          created_at timestamptz not null default now(),
          completed_at timestamptz
        );
        create index bundle_cases_applicant on bundle_cases (applicant_account_id, created_at);
        alter table cases add column bundle_case_id text references bundle_cases (id);
        alter table cases add column waiting_for jsonb;
        create index cases_bundle on cases (bundle_case_id);
      `.execute(db);
    },
  },
  // Inbox indexes found by bench/cases.ts (docs/benchmarks.md, "Cases benchmark"). With 1,000,000
  // cases the inbox without a state filter sorted a whole department by due day (≈ 0.3–0.8 s), the
  // deadline=normal count read every heap row of it, and region grants could not use an index for
  // `region_code like '440604%'` under a non-C collation (sequential scan). All partial: drafts are
  // never in the inbox.
  '0039_cases_bench_indexes': {
    async up(db) {
      await sql`
        create index cases_inbox_department on cases (department_id, due_day, created_at)
          include (state, warn_day) where state <> 'DRAFT';
        create index cases_inbox_open on cases (department_id, due_day, created_at)
          include (warn_day) where state in ('ACCEPTED', 'REVIEWING', 'SUSPENDED');
        create index cases_inbox_region on cases (region_code text_pattern_ops, due_day, created_at)
          include (state, warn_day) where state <> 'DRAFT';
        create index cases_inbox_due on cases (due_day, created_at) where state <> 'DRAFT';
      `.execute(db);
    },
  },
  // Bundles are edited by administrators now (bundles.ts saveBundle): a bundle case keeps the
  // definition it was filed under, as a case keeps its item version. Older bundle cases read the
  // current definition (null here).
  // The staff inbox opens on 待办 (open cases: neither draft nor terminal), nearest deadline first.
  // Concluded cases are about 85 % of all and have the earliest due days, so an index over every
  // case would walk past them first: cases_inbox_active for department grants, cases_inbox_active_due
  // for city-wide and region grants. cases_inbox_open stays: an index scan filters on the heap, not
  // on INCLUDE columns, so deadline=overdue on cases_inbox_active read every open case past its due
  // day that is not on the clock (7 ms against 0.06 at 200,000 cases). Two partial indexes more,
  // holding open cases only.
  '0070_cases_inbox_active': {
    async up(db) {
      await sql`
        create index cases_inbox_active on cases (department_id, due_day, created_at)
          include (state, warn_day)
          where state not in ('DRAFT', 'NOT_ACCEPTED', 'DELIVERED', 'WITHDRAWN', 'VOIDED');
        create index cases_inbox_active_due on cases (due_day, created_at)
          include (state, warn_day, region_code)
          where state not in ('DRAFT', 'NOT_ACCEPTED', 'DELIVERED', 'WITHDRAWN', 'VOIDED');
      `.execute(db);
    },
  },
  '0069_cases_bundle_case_definition': {
    async up(db) {
      await sql`alter table bundle_cases add column definition jsonb`.execute(db);
    },
  },
};
