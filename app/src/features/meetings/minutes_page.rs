//! The minutes of a month's meeting (biên bản sinh hoạt chi bộ), on A4, always in
//! Vietnamese: who came, what the members reported, what the cell decided, what is owed
//! and what carries over.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::api::meeting_agenda;
use super::meeting_page::ItemLine;
use super::model::*;
use crate::features::concerns::model::ConcernRow;
use crate::features::concerns::widgets::category_label;
use crate::features::org::model::{cell_proper_name, percent};
use crate::features::org::widgets::id_param;
use crate::i18n::*;
use crate::ui::format;
use crate::ui::loaded::Loaded;
use crate::ui::print::PrintButton;

#[component]
pub fn MinutesPage() -> impl IntoView {
    let cell = id_param("cell");
    let params = use_params_map();
    let month = Memo::new(move |_| params.with(|p| p.get("month").unwrap_or_default()));
    let agenda = Resource::new(
        move || (cell.get(), month.get()),
        |(c, m)| meeting_agenda(c, m),
    );
    view! {
        <Loaded res=agenda let:a>
            <Minutes a />
        </Loaded>
    }
}

#[component]
fn Minutes(a: Agenda) -> impl IntoView {
    // The minutes are a party document: Vietnamese whatever the screen's language.
    let l = Locale::vi;
    let ui = use_i18n().get_locale_untracked();
    let cell = a.cell_id;
    let month = a.month;
    let title = td_string!(l, minutes.title, month = month.label()).to_string();
    let Some(m) = a.meeting.clone() else {
        return view! {
            <Title text=title.clone() />
            <p class="notice">{td_string!(ui, meetings.not_opened)}" "
                <a href=format!("/cells/{cell}/meetings/{}", month.code())>{td_string!(ui, meetings.show_agenda)}</a>
            </p>
        }
        .into_any();
    };
    let absent: Vec<String> = a
        .attendance
        .iter()
        .filter(|p| p.present == Some(false) && !p.excused)
        .map(|p| p.name.clone())
        .collect();
    let excused: Vec<String> = a
        .attendance
        .iter()
        .filter(|p| p.excused && p.present != Some(true))
        .map(|p| p.name.clone())
        .collect();
    let decided: Vec<Item> = a
        .items
        .iter()
        .filter(|i| i.decision != Decision::Task)
        .cloned()
        .collect();
    let tasks: Vec<Item> = a
        .items
        .iter()
        .filter(|i| i.decision == Decision::Task)
        .cloned()
        .collect();
    let held = m.held_on;
    let date_line = td_string!(
        l,
        minutes.date_line,
        day = format!("{:02}", chrono::Datelike::day(&held)),
        month = format!("{:02}", chrono::Datelike::month(&held)),
        year = chrono::Datelike::year(&held)
    )
    .to_string();
    view! {
        <Title text=title.clone() />
        <div class="minutes-tools">
            <a class="button button--quiet" href=format!("/cells/{cell}/meetings/{}", month.code())>"← "{td_string!(ui, meetings.back_to_screen)}</a>
            <PrintButton label=td_string!(ui, minutes.print).to_string() />
            {(m.status == MeetingStatus::Open).then(|| view! { <p class="notice">{td_string!(ui, minutes.draft)}</p> })}
        </div>
        <article class="minutes" lang="vi">
            <header class="minutes__head">
                <div class="minutes__org">
                    <p>{td_string!(l, minutes.party_of, ward = a.ward_name.to_uppercase())}</p>
                    <p class="minutes__cell">{td_string!(l, minutes.cell_of, cell = cell_proper_name(&a.cell_name).to_uppercase())}</p>
                    <p class="minutes__stars">"*"</p>
                </div>
                <div class="minutes__nation">
                    <p class="minutes__party">{td_string!(l, minutes.party)}</p>
                    <p class="minutes__date"><em>{date_line}</em></p>
                </div>
            </header>
            <h1 class="minutes__title">{title.to_uppercase()}</h1>
            <h2>{td_string!(l, minutes.time_people)}</h2>
            <ul>
                <li>{td_string!(l, minutes.held, date = format::date(held))}</li>
                <li>{td_string!(l, minutes.chair_recorder, chair = dots(&m.chair), recorder = dots(&m.recorder))}</li>
                <li>{td_string!(l, minutes.present, present = a.present(), expected = a.expected())}</li>
                {(!absent.is_empty()).then(|| view! { <li>{td_string!(l, minutes.absent, names = absent.join(", "))}</li> })}
                {(!excused.is_empty()).then(|| view! { <li>{td_string!(l, minutes.excused, names = excused.join(", "))}</li> })}
            </ul>
            <h2>{td_string!(l, minutes.content)}</h2>
            <h3>{td_string!(l, minutes.coverage, visited = a.visited, due = a.due, rate = percent(a.visited, a.due))}</h3>
            <table class="minutes__table">
                <thead>
                    <tr>
                        <th scope="col">{td_string!(l, meetings.member)}</th>
                        <th scope="col">{td_string!(l, meetings.households)}</th>
                        <th scope="col">{td_string!(l, meetings.visited)}</th>
                        <th scope="col">{td_string!(l, meetings.visits)}</th>
                        <th scope="col">{td_string!(l, meetings.concerns_raised)}</th>
                    </tr>
                </thead>
                <tbody>
                    {a.members.iter().map(|x| view! {
                        <tr>
                            <td>{x.name.clone()}</td>
                            <td class="num">{x.households}</td>
                            <td class="num">{x.visited}</td>
                            <td class="num">{x.visits}</td>
                            <td class="num">{x.concerns}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <h3>{td_string!(l, minutes.decided)}</h3>
            <Lines items=decided empty=td_string!(l, minutes.none) />
            <h3>{td_string!(l, minutes.relay)}</h3>
            <Concerns rows=a.relay.clone() />
            <h3>{td_string!(l, minutes.overdue)}</h3>
            <Concerns rows=a.overdue.clone() />
            <h3>{td_string!(l, minutes.board, unassigned = a.unassigned, stale = a.stale)}</h3>
            <h3>{td_string!(l, minutes.tasks)}</h3>
            <Lines items=tasks empty=td_string!(l, minutes.none) />
            {(!m.notes.is_empty()).then(|| view! {
                <h3>{td_string!(l, minutes.notes)}</h3>
                <p class="minutes__notes">{m.notes.clone()}</p>
            })}
            <p>{td_string!(l, minutes.closing)}</p>
            <div class="minutes__signatures">
                <div>
                    <p class="minutes__role">{td_string!(l, minutes.recorder)}</p>
                    <p class="minutes__sign">{td_string!(l, minutes.sign)}</p>
                    <p class="minutes__name">{m.recorder.clone()}</p>
                </div>
                <div>
                    <p class="minutes__role">{td_string!(l, minutes.chair)}</p>
                    <p class="minutes__sign">{td_string!(l, minutes.sign)}</p>
                    <p class="minutes__name">{m.chair.clone()}</p>
                </div>
            </div>
        </article>
    }
    .into_any()
}

fn dots(s: &str) -> String {
    if s.is_empty() {
        "……………………".into()
    } else {
        s.to_string()
    }
}

#[component]
fn Lines(items: Vec<Item>, empty: &'static str) -> impl IntoView {
    if items.is_empty() {
        return view! { <p>{empty}</p> }.into_any();
    }
    view! {
        <ol>
            {items.into_iter().map(|item| view! { <li><ItemLine item vietnamese=true /></li> }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn Concerns(rows: Vec<ConcernRow>) -> impl IntoView {
    let l = Locale::vi;
    if rows.is_empty() {
        return view! { <p>{td_string!(l, minutes.none)}</p> }.into_any();
    }
    view! {
        <ol>
            {rows.into_iter().map(|r| {
                let due = r.clock.due_on.map(format::date).unwrap_or_default();
                view! {
                    <li>
                        <strong>{r.household.clone()}</strong>" ("{category_label(l, r.category)}"): "{r.body.clone()}
                        {r.member_name.clone().map(|m| view! { " — "{td_string!(l, minutes.member, name = m)} })}
                        {(!due.is_empty()).then(|| view! { " — "{td_string!(l, minutes.due, date = due.clone())} })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}
