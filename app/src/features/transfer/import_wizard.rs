//! The import, step by step: upload → sheet and columns → check (every problem at once) →
//! store in one go, with progress and a way to cancel. The one island of this feature.

use leptos::either::{EitherOf3, EitherOf6};
use leptos::prelude::*;

#[cfg(feature = "hydrate")]
use super::api::upload_import;
use super::api::{cancel_import, check_import, commit_import, import_status, inspect_import};
use super::model::*;
use super::texts;
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text::ErrorNotice;
use crate::ui::format;

/// How often the page asks how far the work has got.
const POLL_MS: u64 = 600;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Upload,
    Map,
    Work,
}

/// Keeps asking for the job's progress while it runs.
fn poll(id: i64, job: RwSignal<Option<JobView>>, error: RwSignal<Option<AppError>>) {
    leptos::task::spawn_local(async move {
        match import_status(id).await {
            Ok(view) => {
                let running = view.state.running();
                job.set(Some(view));
                if running {
                    set_timeout(
                        move || poll(id, job, error),
                        std::time::Duration::from_millis(POLL_MS),
                    );
                }
            }
            Err(e) => error.set(Some(e)),
        }
    });
}

fn mapping_text(m: &[Option<Field>]) -> String {
    m.iter()
        .map(|f| f.map_or("", Field::code))
        .collect::<Vec<_>>()
        .join(",")
}

#[island]
pub fn ImportWizard(cell: i64) -> impl IntoView {
    let i18n = crate::ui::i18n::provide_i18n();
    let l = i18n.get_locale_untracked();
    let step = RwSignal::new(Step::Upload);
    let busy = RwSignal::new(false);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let ins: RwSignal<Option<Inspection>> = RwSignal::new(None);
    let mapping: RwSignal<Vec<Option<Field>>> = RwSignal::new(Vec::new());
    let job: RwSignal<Option<JobView>> = RwSignal::new(None);

    let take_inspection = move |r: Result<Inspection, AppError>| {
        busy.set(false);
        match r {
            Ok(i) => {
                mapping.set(i.mapping.clone());
                ins.set(Some(i));
                error.set(None);
                step.set(Step::Map);
            }
            Err(e) => error.set(Some(e)),
        }
    };

    let on_upload = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            let Ok(data) = web_sys::FormData::new_with_form(&form) else {
                return;
            };
            busy.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                take_inspection(upload_import(data.into()).await);
            });
        }
    };

    // Another sheet, encoding or kind: look again (the columns are guessed anew).
    let reinspect =
        move |sheet: Option<String>, encoding: Option<String>, kind: Option<ImportKind>| {
            let Some(cur) = ins.get_untracked() else {
                return;
            };
            busy.set(true);
            let sheet = sheet.unwrap_or(cur.sheet.clone());
            let encoding = encoding.unwrap_or(cur.encoding.clone());
            let kind = kind.unwrap_or(cur.kind).code().to_string();
            leptos::task::spawn_local(async move {
                take_inspection(inspect_import(cur.job, sheet, encoding, kind).await);
            });
        };

    let started = move |r: Result<JobView, AppError>| {
        busy.set(false);
        match r {
            Ok(v) => {
                let (id, running) = (v.id, v.state.running());
                job.set(Some(v));
                error.set(None);
                step.set(Step::Work);
                if running {
                    set_timeout(
                        move || poll(id, job, error),
                        std::time::Duration::from_millis(POLL_MS),
                    );
                }
            }
            Err(e) => error.set(Some(e)),
        }
    };

    let on_check = move |_| {
        let Some(cur) = ins.get_untracked() else {
            return;
        };
        let m = mapping.get_untracked();
        if let Err(p) = check_mapping(cur.kind, &m) {
            error.set(Some(AppError::invalid(
                "mapping",
                crate::error::Problem::File(p),
            )));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let r = check_import(
                cur.job,
                cur.sheet,
                cur.encoding,
                cur.kind.code().to_string(),
                mapping_text(&m),
            )
            .await;
            started(r);
        });
    };

    let on_commit = move |_| {
        let Some(j) = job.get_untracked() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move { started(commit_import(j.id).await) });
    };

    let on_cancel = move |_| {
        let Some(j) = job
            .get_untracked()
            .map(|j| j.id)
            .or(ins.get_untracked().map(|i| i.job))
        else {
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let r = cancel_import(j).await;
            busy.set(false);
            match r {
                Ok(v) => {
                    let running = v.state.running();
                    job.set(Some(v));
                    step.set(Step::Work);
                    if running {
                        set_timeout(
                            move || poll(j, job, error),
                            std::time::Duration::from_millis(POLL_MS),
                        );
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let restart = move |_| {
        job.set(None);
        ins.set(None);
        error.set(None);
        step.set(Step::Upload);
    };
    let remap = move |_| {
        job.set(None);
        error.set(None);
        step.set(Step::Map);
    };

    let current = move |s: u8| {
        let now = match (step.get(), job.with(|j| j.as_ref().map(|j| j.state))) {
            (Step::Upload, _) => 0,
            (Step::Map, _) => 1,
            (Step::Work, Some(JobState::Committing | JobState::Done)) => 3,
            (Step::Work, _) => 2,
        };
        (s == now).then_some("step")
    };

    view! {
        <div class="import">
            <ol class="import__steps" aria-label=move || td_string!(l, transfer.steps_label)>
                <li aria-current=move || current(0)>{td_string!(l, transfer.step_upload)}</li>
                <li aria-current=move || current(1)>{td_string!(l, transfer.step_map)}</li>
                <li aria-current=move || current(2)>{td_string!(l, transfer.step_check)}</li>
                <li aria-current=move || current(3)>{td_string!(l, transfer.step_done)}</li>
            </ol>
            {move || error.get().map(|err| view! { <ErrorNotice err /> })}
            {move || match step.get() {
                Step::Upload => EitherOf3::A(view! {
                    <form class="import__upload" on:submit=on_upload>
                        <input type="hidden" name="cell" value=cell.to_string() />
                        <label class="field">
                            <span class="field__label">{td_string!(l, transfer.file_label)}</span>
                            <input
                                type="file"
                                name="file"
                                required
                                accept=".xlsx,.xls,.ods,.csv,.txt,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
                            />
                            <span class="field__hint">
                                {td_string!(l, transfer.file_hint, max = MAX_FILE_MB, rows = format::int(i64::from(MAX_ROWS)))}
                            </span>
                        </label>
                        <button type="submit" class="button button--primary" disabled=move || busy.get()>
                            {move || if busy.get() { td_string!(l, transfer.uploading) } else { td_string!(l, transfer.upload) }}
                        </button>
                    </form>
                }),
                Step::Map => EitherOf3::B(view! { <MapStep ins mapping busy reinspect on_check on_cancel /> }),
                Step::Work => EitherOf3::C(view! { <WorkStep job busy cell on_commit on_cancel restart remap /> }),
            }}
        </div>
    }
}

#[component]
fn MapStep(
    ins: RwSignal<Option<Inspection>>,
    mapping: RwSignal<Vec<Option<Field>>>,
    busy: RwSignal<bool>,
    reinspect: impl Fn(Option<String>, Option<String>, Option<ImportKind>)
    + Copy
    + Send
    + Sync
    + 'static,
    on_check: impl Fn(leptos::ev::MouseEvent) + Copy + Send + Sync + 'static,
    on_cancel: impl Fn(leptos::ev::MouseEvent) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    move || {
        let i = ins.get()?;
        let kind = i.kind;
        let sheets = i.sheets.clone();
        let many_sheets = sheets.len() > 1;
        let is_csv = i.format == "csv";
        let encoding = i.encoding.clone();
        let sheet = i.sheet.clone();
        Some(view! {
            <section class="import__map" aria-labelledby="import-columns">
                <p class="import__file"><strong>{i.file_name.clone()}</strong></p>
                <div class="import__choices">
                    <Show when=move || many_sheets>
                        <label class="field">
                            <span class="field__label">{td_string!(l, transfer.sheet_label)}</span>
                            <select on:change=move |ev| reinspect(Some(event_target_value(&ev)), None, None) disabled=move || busy.get()>
                                {sheets
                                    .iter()
                                    .map(|s| view! { <option value=s.clone() selected=*s == sheet>{s.clone()}</option> })
                                    .collect_view()}
                            </select>
                        </label>
                    </Show>
                    <Show when=move || is_csv>
                        <label class="field">
                            <span class="field__label">{td_string!(l, transfer.encoding)}</span>
                            <select on:change=move |ev| reinspect(None, Some(event_target_value(&ev)), None) disabled=move || busy.get()>
                                {ENCODINGS
                                    .iter()
                                    .map(|(code, label)| view! { <option value=*code selected=*code == encoding>{*label}</option> })
                                    .collect_view()}
                            </select>
                            <span class="field__hint">{td_string!(l, transfer.encoding_hint)}</span>
                        </label>
                    </Show>
                    <label class="field">
                        <span class="field__label">{td_string!(l, transfer.kind_label)}</span>
                        <select
                            on:change=move |ev| reinspect(None, None, ImportKind::parse(&event_target_value(&ev)))
                            disabled=move || busy.get()
                        >
                            {ImportKind::ALL
                                .into_iter()
                                .map(|k| view! { <option value=k.code() selected=k == kind>{texts::kind(l, k)}</option> })
                                .collect_view()}
                        </select>
                    </label>
                </div>
                <h3 id="import-columns">{td_string!(l, transfer.columns_title)}</h3>
                <p class="field__hint">{td_string!(l, transfer.columns_intro)}" "{td_string!(l, transfer.header_row, row = i.header_row)}</p>
                {i.remembered.then(|| view! { <p class="notice notice--info">{td_string!(l, transfer.remembered)}</p> })}
                <table class="table table--cards import__columns">
                    <thead>
                        <tr>
                            <th scope="col">{td_string!(l, transfer.column)}</th>
                            <th scope="col">{td_string!(l, transfer.examples)}</th>
                            <th scope="col">{td_string!(l, transfer.goes_to)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {i.headers
                            .iter()
                            .enumerate()
                            .map(|(c, h)| {
                                let examples = i
                                    .sample
                                    .iter()
                                    .filter_map(|r| r.get(c).filter(|v| !v.is_empty()).cloned())
                                    .take(3)
                                    .collect::<Vec<_>>()
                                    .join(" · ");
                                let label = h.clone();
                                view! {
                                    <tr>
                                        <th scope="row" class="table__title">{h.clone()}</th>
                                        <td data-label=move || td_string!(l, transfer.examples) class="import__examples">{examples}</td>
                                        <td data-label=move || td_string!(l, transfer.goes_to)>
                                            <select
                                                aria-label=format!("{} {label}", td_string!(l, transfer.goes_to))
                                                on:change=move |ev| {
                                                    let f = Field::parse(&event_target_value(&ev));
                                                    mapping.update(|m| {
                                                        if m.len() <= c {
                                                            m.resize(c + 1, None);
                                                        }
                                                        m[c] = f;
                                                    });
                                                }
                                            >
                                                <option value="" selected=move || mapping.with(|m| m.get(c).copied().flatten().is_none())>
                                                    {td_string!(l, transfer.skip)}
                                                </option>
                                                {kind
                                                    .fields()
                                                    .iter()
                                                    .map(|f| {
                                                        let f = *f;
                                                        let required = kind.required().contains(&f);
                                                        view! {
                                                            <option value=f.code() selected=move || mapping.with(|m| m.get(c).copied().flatten() == Some(f))>
                                                                {texts::field(l, f)}
                                                                {required.then(|| format!(" {}", td_string!(l, transfer.required_mark)))}
                                                            </option>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </select>
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
                <div class="import__actions">
                    <button type="button" class="button button--primary" on:click=on_check disabled=move || busy.get()>
                        {td_string!(l, transfer.check)}
                    </button>
                    <button type="button" class="button" on:click=on_cancel disabled=move || busy.get()>
                        {td_string!(l, transfer.cancel)}
                    </button>
                </div>
            </section>
        })
    }
}

#[component]
fn WorkStep(
    job: RwSignal<Option<JobView>>,
    busy: RwSignal<bool>,
    cell: i64,
    on_commit: impl Fn(leptos::ev::MouseEvent) + Copy + Send + Sync + 'static,
    on_cancel: impl Fn(leptos::ev::MouseEvent) + Copy + Send + Sync + 'static,
    restart: impl Fn(leptos::ev::MouseEvent) + Copy + Send + Sync + 'static,
    remap: impl Fn(leptos::ev::MouseEvent) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    move || {
        let j = job.get()?;
        let counts = j.counts.clone();
        let count_line = td_string!(
            l,
            transfer.counts,
            new = format::int(counts.new as i64),
            updated = format::int(counts.updated as i64),
            unchanged = format::int(counts.unchanged as i64)
        )
        .to_string();
        let assign_line = (counts.assigned > 0).then(|| {
            td_string!(
                l,
                transfer.assign_counts,
                assigned = format::int(counts.assigned as i64),
                reassigned = format::int(counts.reassigned as i64)
            )
            .to_string()
        });
        Some(match j.state {
            s if s.running() => {
                let pct = j.percent();
                let known = j.total > 0;
                let label = if s == JobState::Committing {
                    td_string!(l, transfer.committing)
                } else {
                    td_string!(l, transfer.checking)
                };
                let rows = if known {
                    td_string!(
                        l,
                        transfer.progress_rows,
                        done = format::int(j.done as i64),
                        total = format::int(j.total as i64)
                    )
                    .to_string()
                } else {
                    td_string!(l, transfer.progress_read, done = format::int(j.done as i64))
                        .to_string()
                };
                EitherOf6::A(view! {
                    <section class="import__work" aria-live="polite">
                        <p class="import__phase"><strong>{label}</strong>" "<span>{rows}</span></p>
                        <div
                            class="import__bar"
                            role="progressbar"
                            aria-label=move || td_string!(l, transfer.progress)
                            aria-valuemin="0"
                            aria-valuemax="100"
                            aria-valuenow=known.then_some(pct)
                        >
                            <span class="import__fill" class:import__fill--unknown=!known style:width=format!("{}%", if known { pct } else { 30 })></span>
                        </div>
                        <button type="button" class="button" on:click=on_cancel disabled=move || busy.get()>{td_string!(l, transfer.cancel)}</button>
                    </section>
                })
            }
            JobState::Invalid => {
                let shown = j.errors.len();
                let total = j.errors_total;
                EitherOf6::B(view! {
                    <section class="import__result import__result--invalid" aria-labelledby="import-result">
                        <h3 id="import-result">{td_string!(l, transfer.invalid_title, count = format::int(total as i64))}</h3>
                        <p>{td_string!(l, transfer.invalid_intro)}</p>
                        {((shown as u64) < total).then(|| view! {
                            <p class="field__hint">{td_string!(l, transfer.more_errors, shown = format::int(shown as i64), total = format::int(total as i64))}</p>
                        })}
                        <table class="table table--compact import__errors">
                            <thead>
                                <tr>
                                    <th scope="col">{td_string!(l, transfer.row_label)}</th>
                                    <th scope="col">{td_string!(l, transfer.column)}</th>
                                    <th scope="col">{td_string!(l, transfer.problem)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {j.errors
                                    .iter()
                                    .map(|e| view! {
                                        <tr>
                                            <td class="num">{e.row}</td>
                                            <td>{e.column.clone()}</td>
                                            <td>{texts::row_problem(l, &e.problem)}</td>
                                        </tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                        <div class="import__actions">
                            <button type="button" class="button button--primary" on:click=restart>{td_string!(l, transfer.another)}</button>
                            <button type="button" class="button" on:click=remap>{td_string!(l, transfer.remap)}</button>
                        </div>
                    </section>
                })
            }
            JobState::Ready => {
                let fields = j.preview.fields.clone();
                EitherOf6::C(view! {
                    <section class="import__result" aria-labelledby="import-result">
                        <h3 id="import-result">{td_string!(l, transfer.ready_title, rows = format::int(counts.rows as i64))}</h3>
                        <p>{count_line}</p>
                        {assign_line.map(|a| view! { <p>{a}</p> })}
                        <p class="field__hint">{td_string!(l, transfer.ready_intro)}</p>
                        <h4>{td_string!(l, transfer.preview_title)}</h4>
                        <div class="import__scroll">
                            <table class="table table--compact import__preview">
                                <thead>
                                    <tr>
                                        <th scope="col">{td_string!(l, transfer.row_label)}</th>
                                        <th scope="col">{td_string!(l, transfer.action_label)}</th>
                                        {fields.iter().map(|f| view! { <th scope="col">{texts::field(l, *f)}</th> }).collect_view()}
                                    </tr>
                                </thead>
                                <tbody>
                                    {j.preview
                                        .rows
                                        .iter()
                                        .map(|r| view! {
                                            <tr>
                                                <td class="num">{r.row}</td>
                                                <td><span class=format!("badge badge--{}", match r.action { RowAction::New => "ok", RowAction::Update => "info", RowAction::Unchanged => "muted" })>{texts::action(l, r.action)}</span></td>
                                                {r.cells.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}
                                            </tr>
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <div class="import__actions">
                            <button type="button" class="button button--primary" on:click=on_commit disabled=move || busy.get()>{td_string!(l, transfer.commit)}</button>
                            <button type="button" class="button" on:click=remap disabled=move || busy.get()>{td_string!(l, transfer.remap)}</button>
                            <button type="button" class="button button--quiet" on:click=on_cancel disabled=move || busy.get()>{td_string!(l, transfer.cancel)}</button>
                        </div>
                    </section>
                })
            }
            JobState::Done => EitherOf6::D(view! {
                <section class="import__result import__result--done" aria-labelledby="import-result">
                    <h3 id="import-result">{td_string!(l, transfer.done_title)}</h3>
                    <p role="status">{count_line}</p>
                    {assign_line.map(|a| view! { <p>{a}</p> })}
                    <div class="import__actions">
                        <a class="button" href=format!("/cells/{cell}/members")>{td_string!(l, transfer.see_members)}</a>
                        <a class="button" href=format!("/cells/{cell}/households")>{td_string!(l, transfer.see_households)}</a>
                        <button type="button" class="button button--primary" on:click=restart>{td_string!(l, transfer.another)}</button>
                    </div>
                </section>
            }),
            JobState::Cancelled => EitherOf6::E(view! {
                <section class="import__result" aria-labelledby="import-result">
                    <h3 id="import-result" role="status">{td_string!(l, transfer.cancelled)}</h3>
                    <button type="button" class="button button--primary" on:click=restart>{td_string!(l, transfer.another)}</button>
                </section>
            }),
            _ => {
                let why = j
                    .failure
                    .as_ref()
                    .map(|f| texts::file_problem(l, f))
                    .unwrap_or_default();
                EitherOf6::F(view! {
                    <section class="import__result import__result--invalid" aria-labelledby="import-result">
                        <h3 id="import-result">{td_string!(l, transfer.failed_title)}</h3>
                        <p role="alert">{why}</p>
                        <button type="button" class="button button--primary" on:click=restart>{td_string!(l, transfer.another)}</button>
                    </section>
                })
            }
        })
    }
}
