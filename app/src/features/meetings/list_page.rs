//! A cell's monthly meetings: the ones held, and opening this month's.

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;

use super::api::{OpenMeeting, get_meetings};
use super::model::*;
use super::widgets::status_label;
use crate::features::concerns::widgets::FormError;
use crate::features::org::widgets::{CellFrame, CellTab, id_param};
use crate::i18n::*;
use crate::ui::format;
use crate::ui::loaded::Loaded;

#[component]
pub fn MeetingsPage() -> impl IntoView {
    let cell = id_param("cell");
    let list = Resource::new(move || cell.get(), get_meetings);
    view! {
        <CellFrame tab=CellTab::Meetings>
            <Loaded res=list let:l>
                <ListView l />
            </Loaded>
        </CellFrame>
    }
}

#[component]
fn ListView(l: MeetingList) -> impl IntoView {
    let i18n = use_i18n();
    let cell = l.cell_id;
    let this_month = l.this_month;
    let held = l.meetings.iter().any(|m| m.month == this_month);
    let today = l.today;
    view! {
        <section class="panel meetings-start">
            <h2>{t!(i18n, meetings.this_month, month = this_month.label())}</h2>
            <p class="muted">{t!(i18n, meetings.intro)}</p>
            {if held {
                view! {
                    <a class="button button--primary button--big" href=format!("/cells/{cell}/meetings/{}", this_month.code())>
                        {t!(i18n, meetings.show_on_screen)}
                    </a>
                }
                .into_any()
            } else if l.can_write {
                view! {
                    <form method="post" action=OpenMeeting::url() class="form meetings-open">
                        <FormError />
                        <input type="hidden" name="cell" value=cell />
                        <input type="hidden" name="month" value=this_month.code() />
                        <label class="field">
                            <span class="field__label">{t!(i18n, meetings.held_on)}</span>
                            <input
                                type="date"
                                name="held_on"
                                value=today.to_string()
                                min=this_month.first_day().to_string()
                                max=this_month.last_day().to_string()
                                required
                            />
                        </label>
                        <button type="submit" class="button button--primary button--big">{t!(i18n, meetings.open)}</button>
                    </form>
                }
                .into_any()
            } else {
                view! {
                    <a class="button" href=format!("/cells/{cell}/meetings/{}", this_month.code())>
                        {t!(i18n, meetings.show_agenda)}
                    </a>
                }
                .into_any()
            }}
        </section>
        <section class="panel">
            <h2>{t!(i18n, meetings.held)}</h2>
            {if l.meetings.is_empty() {
                view! { <p class="empty">{t!(i18n, meetings.none)}</p> }.into_any()
            } else {
                view! {
                    <table class="table table--cards">
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, meetings.month)}</th>
                                <th scope="col">{t!(i18n, meetings.held_on)}</th>
                                <th scope="col">{t!(i18n, meetings.status)}</th>
                                <th scope="col" class="num">{t!(i18n, meetings.attendance)}</th>
                                <th scope="col" class="num">{t!(i18n, meetings.decisions)}</th>
                                <th scope="col" class="num">{t!(i18n, meetings.open_tasks)}</th>
                                <th scope="col"><span class="visually-hidden">{t!(i18n, meetings.minutes)}</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {l.meetings.into_iter().map(|m| {
                                let code = m.month.code();
                                let status = m.status;
                                view! {
                                    <tr>
                                        <th scope="row" class="table__title">
                                            <a href=format!("/cells/{cell}/meetings/{code}")>{m.month.label()}</a>
                                        </th>
                                        <td data-label=move || t_string!(i18n, meetings.held_on)>{format::date(m.held_on)}</td>
                                        <td data-label=move || t_string!(i18n, meetings.status)>{move || status_label(i18n.get_locale(), status)}</td>
                                        <td class="num" data-label=move || t_string!(i18n, meetings.attendance)>{format!("{}/{}", m.present, m.expected)}</td>
                                        <td class="num" data-label=move || t_string!(i18n, meetings.decisions)>{m.decisions}</td>
                                        <td class="num" data-label=move || t_string!(i18n, meetings.open_tasks)>{m.open_tasks}</td>
                                        <td><a href=format!("/cells/{cell}/meetings/{code}/minutes")>{t!(i18n, meetings.minutes)}</a></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
    .into_any()
}
