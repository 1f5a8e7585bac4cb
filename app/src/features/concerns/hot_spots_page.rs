//! Hot spots: flagged households and the alleys where concerns gather, with the last thirty
//! days against the thirty before, so the cell sees where trouble is growing (rule R11).

use leptos::prelude::*;

use super::api::get_hot_spots;
use super::model::*;
use crate::features::org::widgets::{CellFrame, CellTab, id_param};
use crate::i18n::*;
use crate::ui::format;
use crate::ui::loaded::Loaded;

#[component]
pub fn HotSpotsPage() -> impl IntoView {
    let cell = id_param("cell");
    let data = Resource::new(move || cell.get(), get_hot_spots);
    view! {
        <CellFrame tab=CellTab::Concerns>
            <Loaded res=data let:h>
                <HotSpotsView h cell=cell.get_untracked() />
            </Loaded>
        </CellFrame>
    }
}

#[component]
fn HotSpotsView(h: HotSpots, cell: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="section-header">
            <h2>{t!(i18n, concerns.hot_spots)}</h2>
            <p class="muted">{t!(i18n, concerns.hot_spots_intro)}</p>
            <a class="button button--quiet" href=format!("/cells/{cell}/concerns")>"← "{t!(i18n, concerns.board)}</a>
        </header>
        <section class="panel">
            <h3>{t!(i18n, concerns.alleys)}</h3>
            {if h.alleys.is_empty() {
                view! { <p class="muted">{t!(i18n, concerns.no_hot_spots)}</p> }.into_any()
            } else {
                view! {
                    <table class="table table--cards">
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, concerns.alley)}</th>
                                <th scope="col" class="num">{t!(i18n, concerns.flagged)}</th>
                                <th scope="col" class="num">{t!(i18n, concerns.open)}</th>
                                <th scope="col" class="num">{t!(i18n, concerns.overdue)}</th>
                                <th scope="col" class="num">{t!(i18n, concerns.last_30)}</th>
                                <th scope="col" class="num">{t!(i18n, concerns.previous_30)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {h.alleys.into_iter().map(|a| {
                                let growing = a.growing();
                                let href = format!("/cells/{cell}/concerns?alley={}", leptos_router::location::Url::escape(&a.alley));
                                view! {
                                    <tr class:hot-alley--growing=growing>
                                        <th scope="row" class="table__title"><a href=href>{a.alley.clone()}</a></th>
                                        <td class="num" data-label=move || t_string!(i18n, concerns.flagged)>{a.flagged}</td>
                                        <td class="num" data-label=move || t_string!(i18n, concerns.open)>{a.open}</td>
                                        <td class="num" class:num--alert=a.overdue.gt(&0) data-label=move || t_string!(i18n, concerns.overdue)>{a.overdue}</td>
                                        <td class="num" data-label=move || t_string!(i18n, concerns.last_30)>
                                            {a.recent}
                                            {growing.then(|| view! { " "<span class="badge badge--alert">{t!(i18n, concerns.growing)}</span> })}
                                        </td>
                                        <td class="num" data-label=move || t_string!(i18n, concerns.previous_30)>{a.previous}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        <section class="panel">
            <h3>{t!(i18n, concerns.hot_households)}</h3>
            {if h.households.is_empty() {
                view! { <p class="muted">{t!(i18n, concerns.no_hot_spots)}</p> }.into_any()
            } else {
                view! {
                    <table class="table table--cards">
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, households.head)}</th>
                                <th scope="col">{t!(i18n, households.address)}</th>
                                <th scope="col">{t!(i18n, concerns.level)}</th>
                                <th scope="col" class="num">{t!(i18n, concerns.open)}</th>
                                <th scope="col" class="num">{t!(i18n, concerns.last_90)}</th>
                                <th scope="col" class="num">{t!(i18n, concerns.total)}</th>
                                <th scope="col">{t!(i18n, concerns.last_raised)}</th>
                                <th scope="col">{t!(i18n, households.member)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {h.households.into_iter().map(|x| view! {
                                <tr>
                                    <th scope="row" class="table__title"><a href=format!("/households/{}", x.household_id)>{x.head_name.clone()}</a></th>
                                    <td data-label=move || t_string!(i18n, households.address)>{x.address.clone()}</td>
                                    <td data-label=move || t_string!(i18n, concerns.level)>
                                        {if x.hot_spot > 0 {
                                            view! { <span class="badge badge--alert">{t!(i18n, households.hot_spot, level = x.hot_spot)}</span> }.into_any()
                                        } else {
                                            view! { <span class="muted">"—"</span> }.into_any()
                                        }}
                                    </td>
                                    <td class="num" data-label=move || t_string!(i18n, concerns.open)>{x.open}</td>
                                    <td class="num" data-label=move || t_string!(i18n, concerns.last_90)>{x.recent}</td>
                                    <td class="num" data-label=move || t_string!(i18n, concerns.total)>{x.total}</td>
                                    <td data-label=move || t_string!(i18n, concerns.last_raised)>{x.last_raised.map(format::date).unwrap_or_else(|| "—".into())}</td>
                                    <td data-label=move || t_string!(i18n, households.member)>{x.member_name.clone().unwrap_or_else(|| "—".into())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}
