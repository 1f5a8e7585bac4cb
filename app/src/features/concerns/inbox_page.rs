//! The committee's inbox: every concern its cells referred to it, overdue first, and the
//! on-time record of each cell and of the ward.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::concern_inbox;
use super::model::*;
use super::widgets::*;
use crate::features::org::widgets::id_param;
use crate::i18n::*;
use crate::ui::i18n::ward_word;
use crate::ui::layout::ward_kind_now;
use crate::ui::loaded::Loaded;

#[component]
pub fn InboxPage() -> impl IntoView {
    let ward = id_param("ward");
    let inbox = Resource::new(move || ward.get(), concern_inbox);
    view! {
        <Loaded res=inbox let:b>
            <InboxView b />
        </Loaded>
    }
}

#[component]
fn InboxView(b: Inbox) -> impl IntoView {
    let i18n = use_i18n();
    let overdue = b.referred.iter().filter(|r| r.clock.overdue()).count();
    let ward = b.ward_id;
    let overdue_class = if overdue > 0 {
        "concern-stat concern-stat--alert"
    } else {
        "concern-stat"
    };
    let title = format!(
        "{} · {}",
        t_string!(i18n, concerns.inbox_title),
        b.ward_name
    );
    view! {
        <Title text=title />
        <header class="page-header">
            <p class="page-header__crumb">{b.ward_name.clone()}</p>
            <h1>{t!(i18n, concerns.inbox_title)}</h1>
            <p class="page-header__intro">{t!(i18n, concerns.inbox_intro)}</p>
            <p class="concern-links">
                <a class="button" href=format!("/wards/{ward}/calendar")>{t!(i18n, concerns.calendar_title)}</a>
                <a class="button" href=format!("/wards/{ward}/reports")>{move || t_string!(i18n, nav.ward_reports, kind = ward_word(i18n.get_locale(), ward_kind_now()))}</a>
            </p>
        </header>
        <div class="concern-stats">
            <div class="concern-stat">
                <span class="concern-stat__value">{b.referred.len()}</span>
                <span class="concern-stat__label">{t!(i18n, concerns.waiting_answer)}</span>
            </div>
            <div class=overdue_class>
                <span class="concern-stat__value">{overdue}</span>
                <span class="concern-stat__label">{t!(i18n, concerns.overdue)}</span>
            </div>
            <div class="concern-stat">
                <span class="concern-stat__value"><OnTimeFigure record=b.ward /></span>
                <span class="concern-stat__label">{t!(i18n, concerns.on_time_rate_year)}</span>
            </div>
        </div>
        <div class="detail-grid">
            <section class="panel">
                <h2>{t!(i18n, concerns.referred_list)}</h2>
                {if b.referred.is_empty() {
                    view! { <p class="empty">{t!(i18n, concerns.inbox_empty)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="concern-list">
                            {b.referred.into_iter().map(|row| view! { <li><ConcernCard row show_cell=true /></li> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section class="panel">
                <h2>{t!(i18n, concerns.by_cell)}</h2>
                <table class="table table--compact">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, concerns.cell)}</th>
                            <th scope="col" class="num">{t!(i18n, concerns.open)}</th>
                            <th scope="col" class="num">{t!(i18n, concerns.overdue)}</th>
                            <th scope="col" class="num">{t!(i18n, concerns.on_time_rate)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {b.cells.into_iter().map(|c| view! {
                            <tr>
                                <th scope="row"><a href=format!("/cells/{}/concerns", c.cell_id)>{c.name.clone()}</a></th>
                                <td class="num">{c.open}</td>
                                <td class="num" class:num--alert=c.overdue.gt(&0)>{c.overdue}</td>
                                <td class="num"><OnTimeFigure record=c.on_time /></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        </div>
    }
    .into_any()
}
