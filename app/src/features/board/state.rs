//! The board island's state and the actions people take on it. Moves are applied at once
//! in the browser and confirmed (or rolled back, with the reason) by the server.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;

use super::api::{
    accept_suggestions, decide_registration, get_board, move_group, move_household, swap_households,
};
use super::model::*;
use crate::error::AppError;
use crate::features::org::model::{HouseholdTag, MemberStatus};
use crate::i18n::*;
use crate::ui::error_text::error_text;

/// What is being moved: a household or a self-managed group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    Household(i64),
    Group(i64),
}

/// A drag in progress (or about to start, while a touch is held).
#[derive(Clone, Debug, PartialEq)]
pub struct Drag {
    pub item: Item,
    pub label: String,
    pub pointer: i32,
    pub touch: bool,
    pub start: (f64, f64),
    pub at: (f64, f64),
    pub active: bool,
    /// The column under the pointer: `Some(None)` is the Unassigned column.
    pub over: Option<Option<i64>>,
}

/// One move that can be undone.
#[derive(Clone, Debug, PartialEq)]
pub struct UndoEntry {
    pub item: Item,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Ok,
    Warn,
    Error,
}

/// The live feed's state; only the browser opens the feed (the server renders `Connecting`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub enum Live {
    Connecting,
    Open,
    Lost,
}

/// The filters above the board.
#[derive(Clone, Copy)]
pub struct Filters {
    pub query: RwSignal<String>,
    pub alley: RwSignal<Option<NameId>>,
    pub tag: RwSignal<Option<HouseholdTag>>,
    pub status: RwSignal<Option<MemberStatus>>,
    pub breach: RwSignal<Option<Breach>>,
    pub by_alley: RwSignal<bool>,
    pub large: RwSignal<bool>,
}

/// Everything the parts of the board share, provided as context inside the island.
#[derive(Clone, Copy)]
pub struct BoardCtx {
    pub i18n: I18nContext<Locale>,
    /// The page's language: islands render in it and the page reloads to change it.
    pub l: Locale,
    pub cell: i64,
    pub can_write: bool,
    pub board: RwSignal<BoardData>,
    pub filters: Filters,
    pub drag: RwSignal<Option<Drag>>,
    /// The item whose Move dialog is open.
    pub moving: RwSignal<Option<Item>>,
    /// Read out by screen readers after each change.
    pub announce: RwSignal<String>,
    pub toast: RwSignal<Option<(String, Tone)>>,
    pub undo: RwSignal<Vec<UndoEntry>>,
    pub live: RwSignal<Live>,
    pub suggestions: RwSignal<Option<SuggestionSet>>,
    /// Folded search text of each household, made once.
    pub search_keys: StoredValue<HashMap<i64, String>>,
}

pub fn use_board() -> BoardCtx {
    expect_context::<BoardCtx>()
}

impl BoardCtx {
    pub fn new(i18n: I18nContext<Locale>, data: BoardData) -> Self {
        let keys = data
            .households
            .iter()
            .map(|h| {
                let text = format!(
                    "{} {} {} {}",
                    h.head,
                    h.house_no,
                    data.name(h.place[2]),
                    data.name(h.place[1])
                );
                (h.id, crate::core::fold::fold(&text))
            })
            .collect();
        BoardCtx {
            i18n,
            l: i18n.get_locale_untracked(),
            cell: data.cell,
            can_write: data.can_write,
            board: RwSignal::new(data),
            filters: Filters {
                query: RwSignal::new(String::new()),
                alley: RwSignal::new(None),
                tag: RwSignal::new(None),
                status: RwSignal::new(None),
                breach: RwSignal::new(None),
                by_alley: RwSignal::new(false),
                large: RwSignal::new(false),
            },
            drag: RwSignal::new(None),
            moving: RwSignal::new(None),
            announce: RwSignal::new(String::new()),
            toast: RwSignal::new(None),
            undo: RwSignal::new(Vec::new()),
            live: RwSignal::new(Live::Connecting),
            suggestions: RwSignal::new(None),
            search_keys: StoredValue::new(keys),
        }
    }

    /// Says something to everyone: a visible note and the screen reader's announcement.
    pub fn tell(&self, text: String, tone: Tone) {
        self.announce.set(text.clone());
        self.toast.set(Some((text, tone)));
    }

    pub fn member_name(&self, id: Option<i64>) -> String {
        match id {
            Some(id) => self
                .board
                .with_untracked(|b| b.member(id).map(|m| m.name.clone()))
                .unwrap_or_default(),
            None => td_string!(self.l, board.nobody).to_string(),
        }
    }

    pub fn item_label(&self, item: Item) -> String {
        self.board
            .with_untracked(|b| match item {
                Item::Household(id) => b
                    .households
                    .iter()
                    .find(|h| h.id == id)
                    .map(|h| h.head.clone()),
                Item::Group(id) => b.groups.iter().find(|g| g.id == id).map(|g| g.name.clone()),
            })
            .unwrap_or_default()
    }

    fn holder(&self, item: Item) -> Option<(Option<i64>, i64)> {
        self.board.with_untracked(|b| match item {
            Item::Household(id) => b
                .households
                .iter()
                .find(|h| h.id == id)
                .map(|h| (h.member, h.version)),
            Item::Group(id) => b
                .groups
                .iter()
                .find(|g| g.id == id)
                .map(|g| (g.member, g.version)),
        })
    }

    /// Applies changes from the server (own or someone else's), newest version wins.
    pub fn apply(&self, changes: &[HouseholdChange]) {
        self.board.update(|b| {
            for c in changes {
                if let Some(h) = b.households.iter_mut().find(|h| h.id == c.household)
                    && c.version >= h.version
                {
                    h.member = c.member;
                    h.non_regular = c.non_regular;
                    h.home_moved = false;
                    h.version = c.version;
                }
            }
        });
    }

    pub fn apply_group(&self, c: &GroupChange) {
        self.board.update(|b| {
            if let Some(g) = b.groups.iter_mut().find(|g| g.id == c.group)
                && c.version >= g.version
            {
                g.member = c.member;
                g.version = c.version;
            }
        });
    }

    /// Reloads the whole board (after a conflict, a lost connection or a lagging feed).
    pub fn refresh(&self) {
        let ctx = *self;
        spawn_local(async move {
            if let Ok(data) = get_board(ctx.cell).await {
                ctx.board.set(data);
            }
        });
    }

    fn warnings_text(&self, warnings: &[Breach]) -> String {
        let l = self.l;
        let parts: Vec<&str> = warnings
            .iter()
            .filter(|w| **w != Breach::Unassigned)
            .map(|w| breach_label(l, *w))
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!(
                " {} {}.",
                td_string!(l, board.warning_prefix),
                parts.join("; ")
            )
        }
    }

    /// Moves a household or group, optimistically; `undoing` marks an undo (not re-recorded).
    pub fn move_item(&self, item: Item, to: Option<i64>, reason: String, undoing: bool) {
        let ctx = *self;
        let Some((from, version)) = self.holder(item) else {
            return;
        };
        if from == to || !self.can_write {
            return;
        }
        let l = self.l;
        let name = self.item_label(item);
        let warnings = match item {
            Item::Household(id) => self.board.with_untracked(|b| {
                b.households
                    .iter()
                    .find(|h| h.id == id)
                    .map(|h| move_warnings(b, h, to))
                    .unwrap_or_default()
            }),
            Item::Group(_) => vec![],
        };
        let to_member = self
            .board
            .with_untracked(|b| to.and_then(|m| b.member(m).cloned()));
        // Optimistic: the card moves now.
        self.board.update(|b| match item {
            Item::Household(id) => {
                if let Some(h) = b.households.iter_mut().find(|h| h.id == id) {
                    h.member = to;
                    h.non_regular = to_member
                        .as_ref()
                        .is_some_and(|m| m.status == MemberStatus::OutsideCommune);
                    h.home_moved = false;
                }
            }
            Item::Group(id) => {
                if let Some(g) = b.groups.iter_mut().find(|g| g.id == id) {
                    g.member = to;
                }
            }
        });
        self.announce.set(td_string!(l, board.moving).to_string());
        spawn_local(async move {
            let result = match item {
                Item::Household(household) => move_household(MoveRequest {
                    household,
                    to,
                    version,
                    reason,
                })
                .await
                .map(|c| ctx.apply(&c)),
                Item::Group(group) => move_group(group, to, version, reason)
                    .await
                    .map(|c| ctx.apply_group(&c)),
            };
            let l = ctx.l;
            match result {
                Ok(()) => {
                    if !undoing {
                        ctx.undo.update(|u| u.push(UndoEntry { item, from, to }));
                    }
                    let to_name = ctx.member_name(to);
                    let text = if undoing {
                        td_string!(l, board.undone, name = name.clone(), to = to_name).to_string()
                    } else if to.is_none() {
                        td_string!(l, board.unassigned_done, name = name.clone()).to_string()
                    } else if matches!(item, Item::Group(_)) {
                        td_string!(l, board.moved_group, name = name.clone(), to = to_name)
                            .to_string()
                    } else {
                        td_string!(l, board.moved, name = name.clone(), to = to_name).to_string()
                    };
                    let w = ctx.warnings_text(&warnings);
                    let tone = if w.is_empty() { Tone::Ok } else { Tone::Warn };
                    ctx.tell(format!("{text}{w}"), tone);
                }
                Err(e) => {
                    // Put the card back, then say why.
                    ctx.board.update(|b| match item {
                        Item::Household(id) => {
                            if let Some(h) = b.households.iter_mut().find(|h| h.id == id) {
                                h.member = from;
                            }
                        }
                        Item::Group(id) => {
                            if let Some(g) = b.groups.iter_mut().find(|g| g.id == id) {
                                g.member = from;
                            }
                        }
                    });
                    if e == AppError::Conflict {
                        ctx.refresh();
                        ctx.tell(
                            td_string!(l, board.conflict, name = name).to_string(),
                            Tone::Error,
                        );
                    } else {
                        let reason = error_text(ctx.i18n, &e);
                        ctx.tell(
                            td_string!(l, board.failed, name = name, reason = reason).to_string(),
                            Tone::Error,
                        );
                    }
                }
            }
        });
    }

    /// Swaps the members of two households.
    pub fn swap(&self, first: i64, second: i64, reason: String) {
        let ctx = *self;
        let (Some((_, v1)), Some((_, v2))) = (
            self.holder(Item::Household(first)),
            self.holder(Item::Household(second)),
        ) else {
            return;
        };
        let (n1, n2) = (
            self.item_label(Item::Household(first)),
            self.item_label(Item::Household(second)),
        );
        spawn_local(async move {
            let l = ctx.l;
            match swap_households(first, v1, second, v2, reason).await {
                Ok(changes) => {
                    ctx.apply(&changes);
                    ctx.tell(
                        td_string!(l, board.swapped, first = n1, second = n2).to_string(),
                        Tone::Ok,
                    );
                }
                Err(AppError::Conflict) => {
                    ctx.refresh();
                    ctx.tell(
                        td_string!(l, board.conflict, name = n1).to_string(),
                        Tone::Error,
                    );
                }
                Err(e) => {
                    let reason = error_text(ctx.i18n, &e);
                    ctx.tell(
                        td_string!(l, board.failed, name = n1, reason = reason).to_string(),
                        Tone::Error,
                    )
                }
            }
        });
    }

    /// Undoes the last move made on this screen, if nobody changed that card since.
    pub fn undo_last(&self) {
        let Some(last) = self.undo.try_update(|u| u.pop()).flatten() else {
            return;
        };
        let now = self.holder(last.item).map(|(m, _)| m);
        if now != Some(last.to) {
            let l = self.l;
            let name = self.item_label(last.item);
            self.tell(
                td_string!(l, board.undo_blocked, name = name).to_string(),
                Tone::Error,
            );
            return;
        }
        let reason = td_string!(self.l, board.undo).to_string();
        self.move_item(last.item, last.from, reason, true);
    }

    /// Accepts the chosen suggestions as ordinary moves, all at once.
    pub fn accept(&self, picks: Vec<Suggestion>) {
        let ctx = *self;
        let reason = td_string!(self.l, board.suggest_title).to_string();
        let requests: Vec<MoveRequest> = picks
            .iter()
            .map(|s| MoveRequest {
                household: s.household,
                to: Some(s.member),
                version: s.version,
                reason: reason.clone(),
            })
            .collect();
        spawn_local(async move {
            let l = ctx.l;
            match accept_suggestions(ctx.cell, requests).await {
                Ok(changes) => {
                    let n = changes.len();
                    ctx.apply(&changes);
                    ctx.suggestions.set(None);
                    ctx.tell(
                        td_string!(l, board.accepted, count = n).to_string(),
                        Tone::Ok,
                    );
                }
                Err(AppError::Conflict) => {
                    ctx.refresh();
                    ctx.suggestions.set(None);
                    ctx.tell(td_string!(l, errors.conflict).to_string(), Tone::Error);
                }
                Err(e) => ctx.tell(error_text(ctx.i18n, &e), Tone::Error),
            }
        });
    }

    /// Approves or declines a member's request.
    pub fn decide(&self, registration: i64, approve: bool, reason: String) {
        let ctx = *self;
        let (member, household) = self.board.with_untracked(|b| {
            let r = b.registrations.iter().find(|r| r.id == registration);
            (
                r.and_then(|r| b.member(r.member))
                    .map(|m| m.name.clone())
                    .unwrap_or_default(),
                r.and_then(|r| b.households.iter().find(|h| h.id == r.household))
                    .map(|h| h.head.clone())
                    .unwrap_or_default(),
            )
        });
        spawn_local(async move {
            let l = ctx.l;
            match decide_registration(registration, approve, reason).await {
                Ok(change) => {
                    ctx.board
                        .update(|b| b.registrations.retain(|r| r.id != registration));
                    if let Some(c) = change {
                        ctx.apply(&[c]);
                    }
                    let text = if approve {
                        td_string!(l, board.approved, household = household, member = member)
                            .to_string()
                    } else {
                        td_string!(l, board.declined, member = member).to_string()
                    };
                    ctx.tell(text, Tone::Ok);
                }
                Err(e) => {
                    ctx.refresh();
                    ctx.tell(error_text(ctx.i18n, &e), Tone::Error);
                }
            }
        });
    }

    /// Whether a household's card passes the filters.
    pub fn shows(&self, b: &BoardData, h: &BoardHousehold) -> bool {
        let f = &self.filters;
        if let Some(a) = f.alley.get()
            && h.place[1] != a
        {
            return false;
        }
        if let Some(t) = f.tag.get()
            && !tags_of(h.tags).contains(&t)
        {
            return false;
        }
        if let Some(br) = f.breach.get() {
            let m = h.member.and_then(|id| b.member(id));
            let mut all = household_breaches(h, m);
            if let Some(m) = m {
                all.extend(member_breaches(m, b.load(m.id)));
            }
            if !all.contains(&br) {
                return false;
            }
        }
        let q = f.query.get();
        if !q.trim().is_empty() {
            let q = crate::core::fold::fold(&q);
            return self
                .search_keys
                .with_value(|k| k.get(&h.id).is_some_and(|key| key.contains(&q)));
        }
        true
    }
}

pub fn breach_label(l: Locale, b: Breach) -> &'static str {
    match b {
        Breach::Unassigned => td_string!(l, breach.unassigned),
        Breach::OverCapacity => td_string!(l, breach.over_capacity),
        Breach::ExcludedHolding => td_string!(l, breach.excluded),
        Breach::FarFromHome => td_string!(l, breach.far),
        Breach::Stale => td_string!(l, breach.stale),
        Breach::ModeMismatch => td_string!(l, breach.mode),
        Breach::OutsideOverLimit => td_string!(l, breach.outside_limit),
    }
}

pub fn tag_short(l: Locale, t: HouseholdTag) -> &'static str {
    match t {
        HouseholdTag::Poor => td_string!(l, tags_short.poor),
        HouseholdTag::NearPoor => td_string!(l, tags_short.near_poor),
        HouseholdTag::PolicyFamily => td_string!(l, tags_short.policy_family),
        HouseholdTag::ElderlyAlone => td_string!(l, tags_short.elderly_alone),
        HouseholdTag::Disability => td_string!(l, tags_short.disability),
        HouseholdTag::NewResident => td_string!(l, tags_short.new_resident),
        HouseholdTag::OutstandingNonMember => td_string!(l, tags_short.outstanding_non_member),
        HouseholdTag::Renting => td_string!(l, tags_short.renting),
    }
}
