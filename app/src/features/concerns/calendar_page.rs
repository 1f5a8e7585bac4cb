//! A ward's working-day calendar (holidays, Tết, compensatory days off, make-up Saturdays)
//! and its deadlines: the committee edits them; everyone in the ward reads them.

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{
    AddCalendarDay, FillCalendarYear, RemoveCalendarDay, SetDeadlines, ward_calendar,
};
use super::model::*;
use super::widgets::*;
use crate::features::org::widgets::id_param;
use crate::i18n::*;
use crate::ui::format;
use crate::ui::loaded::Loaded;

#[component]
pub fn CalendarPage() -> impl IntoView {
    let ward = id_param("ward");
    let query = use_query_map();
    // The server's year unless the address names one.
    let year =
        Memo::new(move |_| query.with(|m| m.get("year").and_then(|y| y.parse::<i32>().ok())));
    let data = Resource::new(
        move || (ward.get(), year.get()),
        |(w, y)| ward_calendar(w, y),
    );
    view! {
        <Loaded res=data let:c>
            <CalendarView c />
        </Loaded>
    }
}

fn day_kind_label(l: Locale, k: DayKind) -> &'static str {
    match k {
        DayKind::Off => td_string!(l, concerns.day_off),
        DayKind::Workday => td_string!(l, concerns.workday),
    }
}

#[component]
fn CalendarView(c: CalendarSettings) -> impl IntoView {
    let i18n = use_i18n();
    let ward = c.ward_id;
    let year = c.year;
    let edit = c.can_edit;
    let title = format!(
        "{} · {}",
        t_string!(i18n, concerns.calendar_title),
        c.ward_name
    );
    view! {
        <Title text=title />
        <header class="page-header">
            <p class="page-header__crumb"><a href=format!("/wards/{ward}/inbox")>{c.ward_name.clone()}</a></p>
            <h1>{t!(i18n, concerns.calendar_title)}</h1>
            <p class="page-header__intro">{t!(i18n, concerns.calendar_intro)}</p>
        </header>
        <FormError />
        <div class="detail-grid">
            <DeadlinesPanel ward deadlines=c.deadlines.clone() edit />
            <DaysPanel ward year edit days=c.days.clone() standard_known=c.standard_known />
        </div>
    }
    .into_any()
}

#[component]
fn DeadlinesPanel(ward: i64, deadlines: Deadlines, edit: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
            <section class="panel">
            <h2>{t!(i18n, concerns.deadlines_title)}</h2>
            <p class="muted">{t!(i18n, concerns.deadlines_intro)}</p>
            <form method="post" action=SetDeadlines::url() class="deadlines-form">
                <input type="hidden" name="ward" value=ward />
                <table class="table table--compact">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, concerns.waiting_in)}</th>
                            <th scope="col" class="num">{t!(i18n, concerns.urgency.normal)}</th>
                            <th scope="col" class="num">{t!(i18n, concerns.urgency.urgent)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {deadlines.allowances.iter().enumerate().map(|(i, a)| {
                            let state = a.state;
                            let label = move || state_label(i18n.get_locale(), state);
                            view! {
                                <tr>
                                    <th scope="row">
                                        {label}
                                        <input type="hidden" name=format!("allowances[{i}][state]") value=state.code() />
                                    </th>
                                    <td class="num">
                                        <input class="input--days" type="number" min="1" max=MAX_ALLOWANCE name=format!("allowances[{i}][normal]") value=a.normal disabled=!edit
                                            aria-label=move || format!("{} – {}", label(), t_string!(i18n, concerns.urgency.normal)) />
                                    </td>
                                    <td class="num">
                                        <input class="input--days" type="number" min="1" max=MAX_ALLOWANCE name=format!("allowances[{i}][urgent]") value=a.urgent disabled=!edit
                                            aria-label=move || format!("{} – {}", label(), t_string!(i18n, concerns.urgency.urgent)) />
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                {edit.then(|| view! { <button type="submit" class="button button--primary">{t!(i18n, concerns.save_deadlines)}</button> })}
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn DaysPanel(
    ward: i64,
    year: i32,
    edit: bool,
    days: Vec<CalendarDay>,
    standard_known: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
            <section class="panel">
            <nav class="year-nav" aria-label=move || t_string!(i18n, concerns.year)>
                <a class="button button--quiet" href=format!("/wards/{ward}/calendar?year={}", year - 1)>"← "{year - 1}</a>
                <h2>{t!(i18n, concerns.days_of_year, year = year)}</h2>
                <a class="button button--quiet" href=format!("/wards/{ward}/calendar?year={}", year + 1)>{year + 1}" →"</a>
            </nav>
            {if days.is_empty() {
                view! { <p class="muted">{t!(i18n, concerns.no_days)}</p> }.into_any()
            } else {
                view! {
                    <table class="table table--compact calendar-days">
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, concerns.day)}</th>
                                <th scope="col">{t!(i18n, concerns.day_name)}</th>
                                <th scope="col">{t!(i18n, concerns.day_kind)}</th>
                                {edit.then(|| view! { <th scope="col"><span class="visually-hidden">{t!(i18n, concerns.remove)}</span></th> })}
                            </tr>
                        </thead>
                        <tbody>
                            {days.into_iter().map(|d| {
                                let kind = d.kind;
                                view! {
                                    <tr class=format!("calendar-day--{}", kind.code())>
                                        <td><time datetime=d.day.to_string()>{format::date(d.day)}</time></td>
                                        <td>{d.name.clone()}</td>
                                        <td>{move || day_kind_label(i18n.get_locale(), kind)}</td>
                                        {edit.then(|| view! {
                                            <td>
                                                <form method="post" action=RemoveCalendarDay::url()>
                                                    <input type="hidden" name="ward" value=ward />
                                                    <input type="hidden" name="id" value=d.id />
                                                    <button type="submit" class="button button--quiet" aria-label=move || format!("{} {}", t_string!(i18n, concerns.remove), format::date(d.day))>
                                                        {t!(i18n, concerns.remove)}
                                                    </button>
                                                </form>
                                            </td>
                                        })}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {edit.then(|| view! {
                <form method="post" action=FillCalendarYear::url() class="inline-form">
                    <input type="hidden" name="ward" value=ward />
                    <input type="hidden" name="year" value=year />
                    <button type="submit" class="button">{t!(i18n, concerns.fill_year, year = year)}</button>
                    {(!standard_known).then(|| view! { <small class="muted">" "{t!(i18n, concerns.lunar_unknown)}</small> })}
                </form>
                <form method="post" action=AddCalendarDay::url() class="form add-day">
                    <h3>{t!(i18n, concerns.add_day)}</h3>
                    <input type="hidden" name="ward" value=ward />
                    <label class="field">
                        <span class="field__label">{t!(i18n, concerns.day)}</span>
                        <input type="date" name="day" required />
                    </label>
                    <label class="field">
                        <span class="field__label">{t!(i18n, concerns.day_kind)}</span>
                        <select name="kind">
                            <option value="off">{t!(i18n, concerns.day_off)}</option>
                            <option value="workday">{t!(i18n, concerns.workday)}</option>
                        </select>
                    </label>
                    <label class="field">
                        <span class="field__label">{t!(i18n, concerns.day_name)}</span>
                        <input name="name" maxlength="120" required />
                    </label>
                    <button type="submit" class="button button--primary">{t!(i18n, concerns.add_day)}</button>
                </form>
            })}
        </section>
    }
    .into_any()
}
