//! A month's meeting on the shared screen: one part of the agenda at a time, large and
//! legible, driven by the keyboard (see `screen.rs`). Every part is rendered here by the
//! server; what the meeting records are plain forms that come back to the same part.

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{
    AddTask, CloseMeeting, DecideConcern, OpenMeeting, SaveAttendance, SaveMeetingHead,
    SetTaskDone, meeting_agenda,
};
use super::model::*;
use super::screen::MeetingScreen;
use super::widgets::*;
use crate::features::concerns::model::{ConcernRow, OutsideBody, Tone, Urgency};
use crate::features::concerns::widgets::{FormError, body_label, category_label, state_label};
use crate::features::org::model::percent;
use crate::features::org::widgets::id_param;
use crate::i18n::*;
use crate::ui::format;
use crate::ui::loaded::Loaded;

#[component]
pub fn MeetingPage() -> impl IntoView {
    let cell = id_param("cell");
    let params = use_params_map();
    let month = Memo::new(move |_| params.with(|p| p.get("month").unwrap_or_default()));
    let query = use_query_map();
    let part = query.with_untracked(|q| {
        q.get("s")
            .and_then(|s| s.parse::<usize>().ok())
            .filter(|n| *n < Part::ALL.len())
            .unwrap_or(0)
    });
    let agenda = Resource::new(
        move || (cell.get(), month.get()),
        |(c, m)| meeting_agenda(c, m),
    );
    view! {
        <Loaded res=agenda let:a>
            <Screen a part />
        </Loaded>
    }
}

#[component]
fn Screen(a: Agenda, part: usize) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let title = format!(
        "{} · {} · {}",
        td_string!(l, meetings.title),
        a.month.label(),
        a.cell_name
    );
    let cell = a.cell_id;
    let month = a.month.code();
    view! {
        <Title text=title />
        <MeetingScreen current=part>
            <nav class="meeting__bar" aria-label=td_string!(l, meetings.agenda)>
                <a class="meeting__exit" href=format!("/cells/{cell}/meetings")>"← "{td_string!(l, meetings.exit)}</a>
                <ol class="meeting__parts">
                    {Part::ALL.iter().map(|p| {
                        let n = p.number();
                        view! {
                            <li>
                                <a
                                    id=format!("go-{n}")
                                    href=format!("?s={n}")
                                    aria-current=(n == part).then_some("step")
                                    title=part_label(l, *p)
                                >
                                    <span class="meeting__key">{n}</span>
                                    <span class="meeting__part-name">{part_label(l, *p)}</span>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ol>
                <a class="meeting__minutes" href=format!("/cells/{cell}/meetings/{month}/minutes")>{td_string!(l, meetings.minutes)}</a>
            </nav>
            <p class="meeting__keys">{td_string!(l, meetings.keys)}</p>
            <FormError />
            <Opening a=a.clone() />
            <AttendancePart a=a.clone() />
            <CoveragePart a=a.clone() />
            <DecidePart a=a.clone() />
            <ConcernListPart part=Part::Relay rows=a.relay.clone() empty=td_string!(l, meetings.relay_empty) intro=td_string!(l, meetings.relay_intro) />
            <ConcernListPart part=Part::Overdue rows=a.overdue.clone() empty=td_string!(l, meetings.overdue_empty) intro=td_string!(l, meetings.overdue_intro) />
            <HotSpotsPart a=a.clone() />
            <BoardPart a=a.clone() />
            <CampaignsPart a=a.clone() />
            <TasksPart a />
        </MeetingScreen>
    }
    .into_any()
}

/// A part of the agenda: its number and title, focusable so that the keys land on it.
#[component]
fn PartFrame(part: Part, children: Children) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let n = part.number();
    view! {
        <section class="meeting__part" data-part=n aria-labelledby=format!("part-{n}-title")>
            <h2 class="meeting__title" id=format!("part-{n}-title") tabindex="-1">
                <span class="meeting__number">{n}</span>
                {part_label(l, part)}
            </h2>
            {children()}
        </section>
    }
}

#[component]
fn Opening(a: Agenda) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let cell = a.cell_id;
    let head = a.meeting.clone();
    let body = match (&head, a.can_write) {
        (None, true) => view! {
            <p class="meeting__lead">{td_string!(l, meetings.not_opened)}</p>
            <form method="post" action=OpenMeeting::url() class="meeting__form meeting__form--row">
                <input type="hidden" name="cell" value=cell />
                <input type="hidden" name="month" value=a.month.code() />
                <label class="meeting__field">
                    <span>{td_string!(l, meetings.held_on)}</span>
                    <input
                        type="date"
                        name="held_on"
                        value=clamp_day(a.today, a.month).to_string()
                        min=a.month.first_day().to_string()
                        max=a.month.last_day().to_string()
                        required
                    />
                </label>
                <button type="submit" class="meeting__button meeting__button--primary">{td_string!(l, meetings.open)}</button>
            </form>
        }
        .into_any(),
        (None, false) => view! { <p class="meeting__lead">{td_string!(l, meetings.not_opened)}</p> }.into_any(),
        (Some(m), _) => {
            let status = m.status;
            let editable = a.can_record();
            view! {
                <dl class="meeting__facts">
                    <div><dt>{td_string!(l, meetings.held_on)}</dt><dd>{format::date(m.held_on)}</dd></div>
                    <div><dt>{td_string!(l, meetings.chair)}</dt><dd>{or_dash(&m.chair)}</dd></div>
                    <div><dt>{td_string!(l, meetings.recorder)}</dt><dd>{or_dash(&m.recorder)}</dd></div>
                    <div><dt>{td_string!(l, meetings.status)}</dt><dd>{status_label(l, status)}</dd></div>
                </dl>
                {editable.then(|| view! {
                    <details class="meeting__details">
                        <summary>{td_string!(l, meetings.edit_head)}</summary>
                        <form method="post" action=SaveMeetingHead::url() class="meeting__form">
                            <input type="hidden" name="meeting" value=m.id />
                            <input type="hidden" name="version" value=m.version />
                            <label class="meeting__field">
                                <span>{td_string!(l, meetings.held_on)}</span>
                                <input type="date" name="held_on" value=m.held_on.to_string()
                                    min=a.month.first_day().to_string() max=a.month.last_day().to_string() required />
                            </label>
                            <label class="meeting__field">
                                <span>{td_string!(l, meetings.chair)}</span>
                                <input name="chair" value=m.chair.clone() maxlength=MAX_NAME />
                            </label>
                            <label class="meeting__field">
                                <span>{td_string!(l, meetings.recorder)}</span>
                                <input name="recorder" value=m.recorder.clone() maxlength=MAX_NAME />
                            </label>
                            <label class="meeting__field">
                                <span>{td_string!(l, meetings.notes)}</span>
                                <textarea name="notes" rows="3" maxlength=MAX_NOTES>{m.notes.clone()}</textarea>
                            </label>
                            <button type="submit" class="meeting__button">{td_string!(l, meetings.save)}</button>
                        </form>
                    </details>
                })}
            }
            .into_any()
        }
    };
    view! {
        <PartFrame part=Part::Opening>
            <p class="meeting__kicker">{a.ward_name.clone()}" · "{a.cell_name.clone()}</p>
            <p class="meeting__headline">{td_string!(l, meetings.headline, month = a.month.label())}</p>
            {body}
            <ol class="meeting__agenda" start="1">
                {Part::ALL.iter().skip(1).map(|p| {
                    let n = p.number();
                    view! { <li><a href=format!("?s={n}")><span class="meeting__key">{n}</span>" "{part_label(l, *p)}</a></li> }
                }).collect_view()}
            </ol>
        </PartFrame>
    }
    .into_any()
}

/// Today if it falls in the month, else the month's first day.
fn clamp_day(today: chrono::NaiveDate, month: Month) -> chrono::NaiveDate {
    if month.contains(today) {
        today
    } else {
        month.first_day()
    }
}

fn or_dash(s: &str) -> String {
    if s.is_empty() {
        "—".into()
    } else {
        s.to_string()
    }
}

#[component]
fn AttendancePart(a: Agenda) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let present = a.present();
    let expected = a.expected();
    let taken = a.attendance.iter().any(|m| m.present.is_some());
    let body = match (&a.meeting, a.can_record()) {
        (Some(m), true) => view! {
            <form method="post" action=SaveAttendance::url() class="meeting__form">
                <input type="hidden" name="meeting" value=m.id />
                <ul class="meeting__checks">
                    {a.attendance.iter().enumerate().map(|(i, p)| view! {
                        <li>
                            <input type="hidden" name=format!("rows[{i}][member]") value=p.member_id />
                            <label class="meeting__check">
                                <input type="checkbox" name=format!("rows[{i}][present]") value="1" checked=p.present == Some(true) />
                                <span>{p.name.clone()}</span>
                                {p.excused.then(|| view! { <small class="meeting__muted">" · "{td_string!(l, meetings.excused)}</small> })}
                            </label>
                        </li>
                    }).collect_view()}
                </ul>
                <button type="submit" class="meeting__button meeting__button--primary">{td_string!(l, meetings.save_attendance)}</button>
            </form>
        }
        .into_any(),
        _ => view! {
            <ul class="meeting__names">
                {a.attendance.iter().map(|p| {
                    let mark = match p.present {
                        Some(true) => "✓",
                        Some(false) => "✗",
                        None => "·",
                    };
                    view! { <li><span aria-hidden="true">{mark}" "</span>{p.name.clone()}</li> }
                }).collect_view()}
            </ul>
        }
        .into_any(),
    };
    view! {
        <PartFrame part=Part::Attendance>
            <p class="meeting__big">
                {if taken {
                    td_string!(l, meetings.present_of, present = present, expected = expected).to_string()
                } else {
                    td_string!(l, meetings.not_taken).to_string()
                }}
            </p>
            {body}
        </PartFrame>
    }
    .into_any()
}

#[component]
fn CoveragePart(a: Agenda) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let rate = percent(a.visited, a.due);
    view! {
        <PartFrame part=Part::Coverage>
            <p class="meeting__big">
                {td_string!(l, meetings.coverage_line, visited = a.visited, due = a.due, rate = rate)}
            </p>
            <table class="meeting__table">
                <thead>
                    <tr>
                        <th scope="col">{td_string!(l, meetings.member)}</th>
                        <th scope="col" class="num">{td_string!(l, meetings.households)}</th>
                        <th scope="col" class="num">{td_string!(l, meetings.visited)}</th>
                        <th scope="col" class="num">{td_string!(l, meetings.visits)}</th>
                        <th scope="col" class="num">{td_string!(l, meetings.concerns_raised)}</th>
                    </tr>
                </thead>
                <tbody>
                    {a.members.iter().map(|m| {
                        let short = m.visited < m.households;
                        view! {
                            <tr class:meeting__row--short=short>
                                <th scope="row">{m.name.clone()}</th>
                                <td class="num">{m.households}</td>
                                <td class="num">{m.visited}</td>
                                <td class="num">{m.visits}</td>
                                <td class="num">{m.concerns}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </PartFrame>
    }
    .into_any()
}

/// A concern as the shared screen shows it: household, what it is about, the member, the
/// time left.
#[component]
fn ConcernLine(row: ConcernRow) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let tone = row.clock.tone().map(Tone::class).unwrap_or("none");
    let left = match row.clock.days_left {
        Some(d) if d < 0 => td_string!(l, concerns.overdue_by, days = -d).to_string(),
        Some(0) => td_string!(l, concerns.due_today).to_string(),
        Some(d) => td_string!(l, concerns.days_left, days = d).to_string(),
        None => String::new(),
    };
    view! {
        <div class="meeting__concern">
            <p class="meeting__concern-head">
                <a href=format!("/concerns/{}", row.id)>{row.household.clone()}</a>
                " · "{category_label(l, row.category)}
                {(row.urgency == Urgency::Urgent).then(|| view! { " · "<strong class="meeting__urgent">{td_string!(l, concerns.urgency.urgent)}</strong> })}
            </p>
            <p class="meeting__concern-body">{row.body.clone()}</p>
            <p class="meeting__concern-meta">
                <span>{state_label(l, row.state)}</span>
                {row.member_name.clone().map(|m| view! { " · "<span>{m}</span> })}
                {(!left.is_empty()).then(|| view! { " · "<span class=format!("meeting__left meeting__left--{tone}")>{left.clone()}</span> })}
            </p>
        </div>
    }
    .into_any()
}

#[component]
fn DecidePart(a: Agenda) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let record = a.can_record();
    let meeting = a.meeting.as_ref().map_or(0, |m| m.id);
    let body = if a.decide.is_empty() {
        view! { <p class="meeting__lead">{td_string!(l, meetings.decide_empty)}</p> }.into_any()
    } else {
        view! {
            <ol class="meeting__list">
                {a.decide.iter().cloned().map(|row| {
                    let id = row.id;
                    let version = row.version;
                    view! {
                        <li>
                            <ConcernLine row />
                            {record.then(|| view! { <DecideForm meeting concern=id version /> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        }
        .into_any()
    };
    view! {
        <PartFrame part=Part::Decide>
            <p class="meeting__intro">{td_string!(l, meetings.decide_intro)}</p>
            {body}
        </PartFrame>
    }
    .into_any()
}

/// Answer, refer, refer outside or put off: one form, one button per decision.
#[component]
fn DecideForm(meeting: i64, concern: i64, version: i64) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let (text_for, text_id) = (format!("answer-{concern}"), format!("answer-{concern}"));
    let (target_for, target_id) = (format!("target-{concern}"), format!("target-{concern}"));
    view! {
        <form method="post" action=DecideConcern::url() class="meeting__form meeting__decide">
            <input type="hidden" name="meeting" value=meeting />
            <input type="hidden" name="concern" value=concern />
            <input type="hidden" name="version" value=version />
            <label class="meeting__field" for=text_for>
                <span>{td_string!(l, meetings.answer_text)}</span>
                <textarea id=text_id name="text" rows="2" maxlength=MAX_ITEM_TEXT></textarea>
            </label>
            <div class="meeting__buttons">
                <button type="submit" name="decision" value="answer" class="meeting__button meeting__button--primary">
                    {td_string!(l, meetings.decisions_.answer)}
                </button>
                <button type="submit" name="decision" value="refer" class="meeting__button">
                    {td_string!(l, meetings.decisions_.refer)}
                </button>
                <button type="submit" name="decision" value="defer" class="meeting__button meeting__button--quiet">
                    {td_string!(l, meetings.decisions_.defer)}
                </button>
            </div>
            <div class="meeting__outside">
                <label class="meeting__field" for=target_for>
                    <span>{td_string!(l, meetings.outside_body)}</span>
                    <select id=target_id name="target">
                        <option value="">{td_string!(l, concerns.choose)}</option>
                        {OutsideBody::ALL.iter().map(|b| view! { <option value=b.code()>{body_label(l, *b)}</option> }).collect_view()}
                    </select>
                </label>
                <button type="submit" name="decision" value="refer_outside" class="meeting__button">
                    {td_string!(l, meetings.decisions_.refer_outside)}
                </button>
            </div>
        </form>
    }
    .into_any()
}

#[component]
fn ConcernListPart(
    part: Part,
    rows: Vec<ConcernRow>,
    empty: &'static str,
    intro: &'static str,
) -> impl IntoView {
    let body = if rows.is_empty() {
        view! { <p class="meeting__lead">{empty}</p> }.into_any()
    } else {
        view! {
            <ol class="meeting__list">
                {rows.into_iter().map(|row| view! { <li><ConcernLine row /></li> }).collect_view()}
            </ol>
        }
        .into_any()
    };
    view! {
        <PartFrame part>
            <p class="meeting__intro">{intro}</p>
            {body}
        </PartFrame>
    }
    .into_any()
}

#[component]
fn HotSpotsPart(a: Agenda) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let cell = a.cell_id;
    let growing: Vec<_> = a
        .hot
        .alleys
        .iter()
        .filter(|x| x.growing() || x.flagged > 0)
        .take(8)
        .cloned()
        .collect();
    let households: Vec<_> = a.hot.households.iter().take(8).cloned().collect();
    let nothing = growing.is_empty() && households.is_empty();
    view! {
        <PartFrame part=Part::HotSpots>
            {nothing.then(|| view! { <p class="meeting__lead">{td_string!(l, meetings.hot_empty)}</p> })}
            {(!households.is_empty()).then(|| view! {
                <h3 class="meeting__subtitle">{td_string!(l, concerns.hot_households)}</h3>
                <ul class="meeting__list">
                    {households.into_iter().map(|h| view! {
                        <li>
                            <a href=format!("/households/{}", h.household_id)>{h.head_name.clone()}</a>
                            " · "{h.address.clone()}
                            {(h.hot_spot > 0).then(|| view! { " · "<strong class="meeting__urgent">{td_string!(l, meetings.hot_level, level = h.hot_spot)}</strong> })}
                            " · "{td_string!(l, meetings.open_concerns, count = h.open)}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(!growing.is_empty()).then(|| view! {
                <h3 class="meeting__subtitle">{td_string!(l, concerns.alleys)}</h3>
                <ul class="meeting__list">
                    {growing.into_iter().map(|x| view! {
                        <li>
                            <strong>{x.alley.clone()}</strong>
                            " · "{td_string!(l, meetings.alley_line, recent = x.recent, previous = x.previous, open = x.open)}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            <p><a href=format!("/cells/{cell}/hot-spots")>{td_string!(l, meetings.see_hot_spots)}</a></p>
        </PartFrame>
    }
    .into_any()
}

#[component]
fn BoardPart(a: Agenda) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let cell = a.cell_id;
    let figure = |n: i64| {
        if n > 0 {
            "meeting__figure meeting__figure--alert"
        } else {
            "meeting__figure"
        }
    };
    view! {
        <PartFrame part=Part::Board>
            <div class="meeting__figures">
                <p class=figure(a.unassigned)>
                    <strong>{a.unassigned}</strong>
                    <span>{td_string!(l, meetings.unassigned)}</span>
                </p>
                <p class=figure(a.stale)>
                    <strong>{a.stale}</strong>
                    <span>{td_string!(l, meetings.stale)}</span>
                </p>
            </div>
            <p><a class="meeting__button" href=format!("/cells/{cell}/board")>{td_string!(l, meetings.open_board)}</a></p>
        </PartFrame>
    }
    .into_any()
}

#[component]
fn CampaignsPart(a: Agenda) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    view! {
        <PartFrame part=Part::Campaigns>
            {if a.campaigns.is_empty() {
                view! { <p class="meeting__lead">{td_string!(l, meetings.campaigns_empty)}</p> }.into_any()
            } else {
                view! {
                    <p class="meeting__intro">{td_string!(l, meetings.campaigns_intro)}</p>
                    <ul class="meeting__list">
                        {a.campaigns.iter().map(|c| view! { <li>{c.name.clone()}</li> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </PartFrame>
    }
    .into_any()
}

#[component]
fn TasksPart(a: Agenda) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let record = a.can_record();
    let cell = a.cell_id;
    let month = a.month.code();
    let meeting = a.meeting.clone();
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
    view! {
        <PartFrame part=Part::Tasks>
            <h3 class="meeting__subtitle">{td_string!(l, meetings.decided)}</h3>
            {if decided.is_empty() {
                view! { <p class="meeting__muted">{td_string!(l, meetings.decided_empty)}</p> }.into_any()
            } else {
                view! {
                    <ul class="meeting__list">
                        {decided.into_iter().map(|i| view! { <li><ItemLine item=i /></li> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            <h3 class="meeting__subtitle">{td_string!(l, meetings.tasks)}</h3>
            {if tasks.is_empty() {
                view! { <p class="meeting__muted">{td_string!(l, meetings.tasks_empty)}</p> }.into_any()
            } else {
                view! {
                    <ul class="meeting__list">
                        {tasks.into_iter().map(|i| {
                            let id = i.id;
                            let done = i.done;
                            view! {
                                <li class="meeting__task">
                                    <ItemLine item=i />
                                    {record.then(|| view! {
                                        <form method="post" action=SetTaskDone::url() class="meeting__inline">
                                            <input type="hidden" name="item" value=id />
                                            <input type="hidden" name="done" value=(!done).to_string() />
                                            <button type="submit" class="meeting__button meeting__button--quiet">
                                                {if done { td_string!(l, meetings.not_done) } else { td_string!(l, meetings.mark_done) }}
                                            </button>
                                        </form>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            {meeting.filter(|_| record).map(|m| view! {
                <form method="post" action=AddTask::url() class="meeting__form meeting__form--row">
                    <input type="hidden" name="meeting" value=m.id />
                    <label class="meeting__field meeting__field--grow">
                        <span>{td_string!(l, meetings.new_task)}</span>
                        <input name="body" maxlength=MAX_ITEM_TEXT required />
                    </label>
                    <button type="submit" class="meeting__button meeting__button--primary">{td_string!(l, meetings.add_task)}</button>
                </form>
                <form method="post" action=CloseMeeting::url() class="meeting__form meeting__close">
                    <input type="hidden" name="meeting" value=m.id />
                    <p class="meeting__muted">{td_string!(l, meetings.close_hint)}</p>
                    <button type="submit" class="meeting__button">{td_string!(l, meetings.close)}</button>
                </form>
            })}
            <p><a class="meeting__button" href=format!("/cells/{cell}/meetings/{month}/minutes")>{td_string!(l, meetings.print_minutes)}</a></p>
        </PartFrame>
    }
    .into_any()
}

/// A decision or a task, as the screen and the minutes show it.
#[component]
pub fn ItemLine(
    item: Item,
    /// In Vietnamese whatever the screen's language (the minutes).
    #[prop(optional)]
    vietnamese: bool,
) -> impl IntoView {
    let l = if vietnamese {
        Locale::vi
    } else {
        use_i18n().get_locale_untracked()
    };
    let what = match (&item.household, item.category) {
        (Some(h), Some(c)) => format!("{h} · {}", category_label(l, c)),
        (Some(h), None) => h.clone(),
        _ => String::new(),
    };
    view! {
        <span class="meeting__item">
            <strong>{decision_label(l, item.decision)}</strong>
            {(!what.is_empty()).then(|| view! { " · "<span>{what.clone()}</span> })}
            {item.target.map(|t| view! { " → "<span>{body_label(l, t)}</span> })}
            {(!item.body.is_empty()).then(|| view! { ": "<span>{item.body.clone()}</span> })}
            {item.carried_from.map(|m| view! { " "<small class="meeting__muted">{td_string!(l, meetings.carried_from, month = m.label())}</small> })}
            {(item.done && item.decision.carries_over()).then(|| view! { " "<span class="meeting__done">{td_string!(l, meetings.done)}</span> })}
        </span>
    }
    .into_any()
}
