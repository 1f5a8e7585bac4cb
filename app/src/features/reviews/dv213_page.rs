//! `/cells/:cell/reports/dv213`: the cell's ĐV213 members (rule R14): the roster with its
//! groups and leaders, the two meetings of the year and who came, and each member's
//! year-end comment sheet for the workplace committee, prefilled from the record,
//! editable, printable.

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{SaveDv213Comment, SaveDv213Meeting, get_dv213};
use super::model::*;
use super::widgets::PrintHead;
use crate::features::concerns::widgets::FormError;
use crate::features::org::widgets::{CellFrame, CellTab, id_param};
use crate::i18n::*;
use crate::ui::format;
use crate::ui::loaded::Loaded;
use crate::ui::print::PrintButton;

#[component]
pub fn Dv213Page() -> impl IntoView {
    let cell = id_param("cell");
    let query = use_query_map();
    let year = Memo::new(move |_| query.with(|q| q.get("year").unwrap_or_default()));
    let sheet = Resource::new(move || (cell.get(), year.get()), |(c, y)| get_dv213(c, y));
    view! {
        <CellFrame tab=CellTab::Reports>
            <Loaded res=sheet let:s>
                <Dv213View s />
            </Loaded>
        </CellFrame>
    }
    .into_any()
}

fn mark(l: Locale, a: Option<bool>) -> &'static str {
    match a {
        Some(true) => td_string!(l, reviews.present),
        Some(false) => td_string!(l, reviews.absent),
        None => "—",
    }
}

#[component]
fn Dv213View(s: Dv213Sheet) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let cell = s.cell_id;
    let year = s.year;
    let title = td_string!(l, reviews.dv213_title, year = year).to_string();
    let groups: Vec<(Option<String>, Vec<Dv213Member>)> = s
        .groups()
        .into_iter()
        .map(|(g, ms)| (g, ms.into_iter().cloned().collect()))
        .collect();
    let roster = s.roster.clone();
    let count = roster.len();
    view! {
        <Title text=format!("{title} · {}", s.cell_name) />
        <FormError />
        <div class="report-tools no-print">
            <form method="get" class="report-picker">
                <label class="field">
                    <span class="field__label">{td_string!(l, reviews.year)}</span>
                    <select name="year">
                        {s.years.iter().map(|y| view! { <option value=y.to_string() selected={*y == year}>{*y}</option> }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="button">{td_string!(l, reviews.show)}</button>
            </form>
            <nav class="report-links" aria-label=td_string!(l, reviews.more)>
                <a class="button button--quiet" href=format!("/cells/{cell}/reports?period={year}")>"← "{td_string!(l, reviews.back)}</a>
                <a class="button" href=dv213_xlsx(cell, year) download>{td_string!(l, reviews.xlsx)}</a>
                <PrintButton label=td_string!(l, reviews.print).to_string() />
            </nav>
        </div>
        <article class="report dv213">
            <PrintHead unit=format!("{} · {}", s.ward_name, s.cell_name) title=format!("{title} – {}", s.cell_name) until=s.today />
            <section class="report-section">
                <h2>{td_string!(l, reviews.roster, count = count).to_string()}</h2>
                {if roster.is_empty() {
                    view! { <p class="empty">{td_string!(l, reviews.roster_empty)}</p> }.into_any()
                } else {
                    view! {
                        <table class="table table--cards dv213-roster">
                            <thead>
                                <tr>
                                    <th scope="col">{td_string!(l, reviews.member)}</th>
                                    <th scope="col">{td_string!(l, reviews.group)}</th>
                                    <th scope="col">{td_string!(l, reviews.workplace)}</th>
                                    <th scope="col">{td_string!(l, reviews.phone)}</th>
                                    <th scope="col">{td_string!(l, reviews.meeting_n, n = 1).to_string()}</th>
                                    <th scope="col">{td_string!(l, reviews.meeting_n, n = 2).to_string()}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {groups.into_iter().flat_map(|(g, ms)| {
                                    ms.into_iter().map(move |m| (g.clone(), m))
                                }).map(|(g, m)| view! {
                                        <tr>
                                            <th scope="row" class="table__title">
                                                <a href=format!("#member-{}", m.member_id)>{m.full_name.clone()}</a>
                                                {m.group_leader.then(|| view! { " " <span class="badge badge--info">{td_string!(l, reviews.leader)}</span> })}
                                            </th>
                                            <td data-label=td_string!(l, reviews.group)>{g.unwrap_or_else(|| td_string!(l, reviews.no_group).to_string())}</td>
                                            <td data-label=td_string!(l, reviews.workplace)>
                                                {m.workplace.clone()}
                                                <br /><small class="muted">{m.workplace_committee.clone()}</small>
                                            </td>
                                            <td data-label=td_string!(l, reviews.phone)>{m.phone.clone()}</td>
                                            <td data-label=td_string!(l, reviews.meeting_n, n = 1).to_string()>{mark(l, m.attended[0])}</td>
                                            <td data-label=td_string!(l, reviews.meeting_n, n = 2).to_string()>{mark(l, m.attended[1])}</td>
                                        </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>

            <section class="report-section" id="meetings">
                <h2>{td_string!(l, reviews.meetings_title)}</h2>
                <div class="dv213-meetings">
                    {[1i64, 2].into_iter().map(|half| view! {
                        <MeetingPanel s=s.clone() half />
                    }).collect_view()}
                </div>
            </section>

            <section class="report-section">
                <h2 class="no-print">{td_string!(l, reviews.sheets_title)}</h2>
                <p class="muted no-print">{td_string!(l, reviews.sheets_intro)}</p>
                {s.roster.iter().cloned().map(|m| view! {
                    <CommentSheet m cell year can_write=s.can_write unit=s.cell_name.clone() today=s.today />
                }).collect_view()}
            </section>
        </article>
    }
    .into_any()
}

#[component]
fn MeetingPanel(s: Dv213Sheet, half: i64) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let meeting = s.meetings[(half - 1) as usize].clone();
    let (first, last) = half_days(s.year, half).unwrap_or((s.today, s.today));
    let begun = first <= s.today;
    let heading = td_string!(l, reviews.meeting_half, n = half).to_string();
    let present = s
        .roster
        .iter()
        .filter(|m| m.attended[(half - 1) as usize] == Some(true))
        .count();
    let summary = match &meeting {
        Some(m) => td_string!(
            l,
            reviews.meeting_held,
            date = format::date(m.held_on),
            present = present,
            count = s.roster.len()
        )
        .to_string(),
        None => td_string!(l, reviews.meeting_not_held).to_string(),
    };
    let topic = meeting
        .as_ref()
        .map(|m| m.topic.clone())
        .unwrap_or_default();
    let form = (s.can_write && begun).then(|| {
        let version = meeting.as_ref().map_or(0, |m| m.version);
        let held_on = meeting
            .as_ref()
            .map(|m| m.held_on)
            .unwrap_or_else(|| last.min(s.today));
        let half_index = (half - 1) as usize;
        view! {
            <form method="post" action=SaveDv213Meeting::url() class="form dv213-meeting-form no-print">
                <input type="hidden" name="cell" value=s.cell_id />
                <input type="hidden" name="year" value=s.year />
                <input type="hidden" name="half" value=half />
                <input type="hidden" name="version" value=version />
                <label class="field">
                    <span class="field__label">{td_string!(l, reviews.held_on)}</span>
                    <input type="date" name="held_on" required value=held_on.to_string() min=first.to_string() max=last.min(s.today).to_string() />
                </label>
                <label class="field">
                    <span class="field__label">{td_string!(l, reviews.topic)}</span>
                    <input type="text" name="topic" maxlength=MAX_TOPIC value=topic.clone() />
                </label>
                <fieldset class="dv213-checks">
                    <legend>{td_string!(l, reviews.who_came)}</legend>
                    {s.roster.iter().enumerate().map(|(i, m)| view! {
                        <input type="hidden" name=format!("rows[{i}][member]") value=m.member_id />
                        <label class="check">
                            <input type="checkbox" name=format!("rows[{i}][present]") value="1" checked={m.attended[half_index] == Some(true)} />
                            <span>{m.full_name.clone()}</span>
                        </label>
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button button--primary">{td_string!(l, reviews.save_meeting)}</button>
            </form>
        }
    });
    view! {
        <div class="panel dv213-meeting" data-half=half>
            <h3>{heading}</h3>
            <p class="dv213-meeting__summary">{summary}</p>
            {(!topic.is_empty()).then(|| view! { <p class="muted">{topic.clone()}</p> })}
            {(!begun).then(|| view! { <p class="muted">{td_string!(l, reviews.meeting_later, date = format::date(first)).to_string()}</p> })}
            {form}
        </div>
    }
    .into_any()
}

#[component]
fn CommentSheet(
    m: Dv213Member,
    cell: i64,
    year: i32,
    can_write: bool,
    unit: String,
    today: chrono::NaiveDate,
) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let c = m.comment.clone();
    let draft = c.version == 0;
    let born = m.birth_year.map(|y| y.to_string()).unwrap_or_default();
    let workplace_committee = if m.workplace_committee.is_empty() {
        td_string!(l, reviews.committee_unknown).to_string()
    } else {
        m.workplace_committee.clone()
    };
    let form = can_write.then(|| view! {
        <details class="dv213-edit no-print" open=draft>
            <summary>{td_string!(l, reviews.edit_sheet)}</summary>
            <form method="post" action=SaveDv213Comment::url() class="form">
                <input type="hidden" name="cell" value=cell />
                <input type="hidden" name="member" value=m.member_id />
                <input type="hidden" name="year" value=year />
                <input type="hidden" name="version" value=c.version />
                <label class="field">
                    <span class="field__label">{td_string!(l, reviews.contact)}</span>
                    <textarea name="contact" rows="3" required maxlength=MAX_COMMENT>{c.contact.clone()}</textarea>
                </label>
                <label class="field">
                    <span class="field__label">{td_string!(l, reviews.civic)}</span>
                    <textarea name="civic" rows="3" required maxlength=MAX_COMMENT>{c.civic.clone()}</textarea>
                </label>
                <label class="field">
                    <span class="field__label">{td_string!(l, reviews.comment)}</span>
                    <textarea name="comment" rows="3" required maxlength=MAX_COMMENT>{c.comment.clone()}</textarea>
                </label>
                <button type="submit" class="button button--primary">{td_string!(l, reviews.save_sheet)}</button>
            </form>
        </details>
    });
    view! {
        <article class="dv213-sheet" id=format!("member-{}", m.member_id) lang="vi">
            <p class="dv213-sheet__state no-print">
                {if draft {
                    view! { <span class="badge badge--warn">{td_string!(l, reviews.draft)}</span> }.into_any()
                } else {
                    view! { <span class="badge badge--ok">{td_string!(l, reviews.saved, date = c.updated_on.map(format::date).unwrap_or_default()).to_string()}</span> }.into_any()
                }}
            </p>
            <PrintHead unit=unit.clone() title="PHIẾU NHẬN XÉT ĐẢNG VIÊN ĐANG CÔNG TÁC GIỮ MỐI LIÊN HỆ VỚI CHI ỦY, ĐẢNG ỦY CƠ SỞ VÀ GƯƠNG MẪU THỰC HIỆN NGHĨA VỤ CÔNG DÂN NƠI CƯ TRÚ".to_string() until=today />
            <p class="dv213-sheet__to">"Kính gửi: "<strong>{workplace_committee}</strong></p>
            <p>"Chi ủy " {unit.clone()} " nhận xét đảng viên năm " {year} ":"</p>
            <dl class="dv213-sheet__who">
                <div><dt>"Họ và tên"</dt><dd><strong>{m.full_name.clone()}</strong></dd></div>
                <div><dt>"Năm sinh"</dt><dd>{born}</dd></div>
                <div><dt>"Nơi công tác"</dt><dd>{m.workplace.clone()}</dd></div>
                <div><dt>"Nơi cư trú"</dt><dd>{m.address.clone()}</dd></div>
            </dl>
            <h2 class="dv213-sheet__part">"1. Giữ mối liên hệ với chi ủy, chi bộ nơi cư trú"</h2>
            <p class="dv213-sheet__text">{c.contact.clone()}</p>
            <h2 class="dv213-sheet__part">"2. Gương mẫu thực hiện nghĩa vụ công dân nơi cư trú"</h2>
            <p class="dv213-sheet__text">{c.civic.clone()}</p>
            <h2 class="dv213-sheet__part">"3. Nhận xét chung, đề nghị"</h2>
            <p class="dv213-sheet__text">{c.comment.clone()}</p>
            <div class="evidence__signatures">
                <div></div>
                <div><p class="evidence__role">"T/M CHI ỦY (CHI BỘ)"</p><p class="evidence__role">"BÍ THƯ"</p><p class="muted">"(Ký, ghi rõ họ tên)"</p></div>
            </div>
            {form}
        </article>
    }
    .into_any()
}
