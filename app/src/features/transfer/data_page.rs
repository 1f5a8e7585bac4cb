//! A cell's "Nhập, xuất dữ liệu" page: the import (for those who may change the cell) and
//! the export links (for everyone who may read it). Also the ward's export links.

use leptos::prelude::*;

use super::api::recent_imports;
use super::import_wizard::ImportWizard;
use super::model::*;
use super::texts;
use crate::core::access::{Me, Role, UnitKind};
use crate::features::org::api::get_cell;
use crate::features::org::widgets::{CellFrame, CellTab, id_param};
use crate::i18n::*;
use crate::ui::i18n::ward_word;

#[component]
pub fn DataPage() -> impl IntoView {
    let i18n = use_i18n();
    let cell = id_param("cell");
    let info = Resource::new(move || cell.get(), get_cell);
    view! {
        <CellFrame tab=CellTab::Data>
            <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
                {move || Suspend::new(async move {
                    info.await.ok().map(|info| {
                        let id = info.id;
                        view! {
                            <section class="transfer" aria-labelledby="import-title">
                                <h2 id="import-title">{t!(i18n, transfer.import_title)}</h2>
                                {if info.can_write {
                                    view! {
                                        <p>{t!(i18n, transfer.import_intro)}</p>
                                        <p class="field__hint">{t!(i18n, transfer.order_hint)}</p>
                                        <ImportWizard cell=id />
                                        <RecentImports cell=id />
                                    }
                                    .into_any()
                                } else {
                                    view! { <p class="notice notice--info">{t!(i18n, transfer.read_only)}</p> }.into_any()
                                }}
                            </section>
                            <ExportLinks
                                title=t_string!(i18n, transfer.export_title).to_string()
                                intro=t_string!(i18n, transfer.export_intro).to_string()
                                href=move |s| cell_export_href(id, s)
                            />
                        }
                    })
                })}
            </Suspense>
        </CellFrame>
    }
}

/// The cell's latest imports: which file, what it held, how it ended.
#[component]
fn RecentImports(cell: i64) -> impl IntoView {
    let i18n = use_i18n();
    let jobs = Resource::new(move || cell, recent_imports);
    view! {
        <section class="transfer__recent" aria-labelledby="recent-imports">
            <h3 id="recent-imports">{t!(i18n, transfer.recent_title)}</h3>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let l = i18n.get_locale_untracked();
                    match jobs.await {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="muted">{t!(i18n, transfer.recent_empty)}</p> }.into_any()
                        }
                        Ok(list) => view! {
                            <ul class="transfer__jobs">
                                {list
                                    .into_iter()
                                    .map(|j| {
                                        let what = j.kind.map(|k| texts::kind(l, k)).unwrap_or_default();
                                        let counts = (j.state == JobState::Done).then(|| {
                                            td_string!(
                                                l,
                                                transfer.counts,
                                                new = crate::ui::format::int(j.counts.new as i64),
                                                updated = crate::ui::format::int(j.counts.updated as i64),
                                                unchanged = crate::ui::format::int(j.counts.unchanged as i64)
                                            )
                                            .to_string()
                                        });
                                        let badge = match j.state {
                                            JobState::Done => "badge badge--ok",
                                            JobState::Invalid | JobState::Failed => "badge badge--alert",
                                            _ => "badge badge--muted",
                                        };
                                        view! {
                                            <li class="transfer__job">
                                                <span class="transfer__job-file">{j.file_name.clone()}</span>
                                                <span class=badge>{texts::state(l, j.state)}</span>
                                                <span class="muted">
                                                    {crate::ui::format::day_of(j.created_at)}
                                                    {(!what.is_empty()).then(|| format!(" · {what}"))}
                                                    {counts.map(|c| format!(" · {c}"))}
                                                </span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(_) => ().into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// A download button for the workbook and a link per CSV list.
#[component]
pub fn ExportLinks(
    title: String,
    intro: String,
    href: impl Fn(Option<ExportSheet>) -> String + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    view! {
        <section class="transfer transfer--export">
            <h2>{title}</h2>
            <p>{intro}</p>
            <p>
                <a class="button button--primary" href=href(None) download>
                    {t!(i18n, transfer.export_xlsx)}
                </a>
            </p>
            <h3 class="transfer__sub">{t!(i18n, transfer.export_csv)}</h3>
            <ul class="transfer__csv">
                {ExportSheet::ALL
                    .into_iter()
                    .map(|s| view! { <li><a href=href(Some(s)) download>{texts::sheet(l, s)}" (CSV)"</a></li> })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// For those who read a whole ward: its export links (on the cells page).
#[component]
pub fn WardExports() -> impl IntoView {
    let i18n = use_i18n();
    let links = move |me: Me| {
        let kind = me.ward_kind();
        me.grants
            .iter()
            .filter(|g| {
                g.role.reads_units() && g.role != Role::Member && g.unit_kind == UnitKind::Commune
            })
            .map(|g| (g.unit_id, g.unit_name.clone()))
            .map(|(id, name)| {
                view! {
                    <ExportLinks
                        title=t_string!(i18n, transfer.ward_export_title, kind = ward_word(i18n.get_locale_untracked(), kind)).to_string()
                        intro=t_string!(i18n, transfer.ward_export_intro, ward = name.clone()).to_string()
                        href=move |s| ward_export_href(id, s)
                    />
                }
            })
            .collect_view()
    };
    view! {
        <Suspense>
            {move || Suspend::new(async move { crate::ui::layout::signed_in().await.map(links) })}
        </Suspense>
    }
}
