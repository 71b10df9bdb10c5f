//! The organisation tree: navigation (children, ancestors, descendants, depth) and the rules a
//! change must keep (one root, no cycles, people are leaves, unique names under one parent).

use std::collections::HashMap;

use crate::domain::model::{NodeId, OrgNode, UnitKind};
use crate::i18n::{Lang, Localized};

/// Why a change to the organisation tree is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrgError {
    EmptyName,
    NameTooLong { max: usize },
    DuplicateName { name: String, parent: String },
    UnknownNode { id: NodeId },
    MoveIntoItself { name: String },
    MoveIntoDescendant { name: String, target: String },
    PersonCannotHaveChildren { person: String },
    RootCannotMove,
    RootCannotBeDeleted,
    RootMustBeUnit,
    SecondRoot,
    NotAPerson { name: String },
}

impl Localized for OrgError {
    fn message_key(&self) -> &'static str {
        match self {
            Self::EmptyName => "err.org.empty_name",
            Self::NameTooLong { .. } => "err.org.name_too_long",
            Self::DuplicateName { .. } => "err.org.duplicate_name",
            Self::UnknownNode { .. } => "err.org.unknown_node",
            Self::MoveIntoItself { .. } => "err.org.move_into_itself",
            Self::MoveIntoDescendant { .. } => "err.org.move_into_descendant",
            Self::PersonCannotHaveChildren { .. } => "err.org.person_leaf",
            Self::RootCannotMove => "err.org.root_move",
            Self::RootCannotBeDeleted => "err.org.root_delete",
            Self::RootMustBeUnit => "err.org.root_unit",
            Self::SecondRoot => "err.org.second_root",
            Self::NotAPerson { .. } => "err.org.not_a_person",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::NameTooLong { max } => vec![("max", max.to_string())],
            Self::DuplicateName { name, parent } => {
                vec![("name", name.clone()), ("parent", parent.clone())]
            }
            Self::UnknownNode { id } => vec![("id", id.0.to_string())],
            Self::MoveIntoItself { name } => vec![("name", name.clone())],
            Self::MoveIntoDescendant { name, target } => {
                vec![("name", name.clone()), ("target", target.clone())]
            }
            Self::PersonCannotHaveChildren { person } => vec![("person", person.clone())],
            Self::NotAPerson { name } => vec![("name", name.clone())],
            _ => Vec::new(),
        }
    }
}

impl std::fmt::Display for OrgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}

impl std::error::Error for OrgError {}

/// Longest name accepted for a unit, person, product line or product (in characters).
pub const MAX_NAME_CHARS: usize = 100;

/// Trims a name typed by a user and checks it is usable.
pub fn clean_name(name: &str) -> Result<String, OrgError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(OrgError::EmptyName);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(OrgError::NameTooLong {
            max: MAX_NAME_CHARS,
        });
    }
    Ok(name.to_owned())
}

/// `base`, or `base 2`, `base 3`, … — the first that is not taken (for new items).
pub fn unique_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base} {n}"))
        .find(|name| !taken(name))
        .unwrap_or_else(|| base.to_owned())
}

/// A read-only view of the organisation with an index from parent to children.
#[derive(Clone, Debug, Default)]
pub struct OrgTree {
    nodes: Vec<OrgNode>,
    index: HashMap<NodeId, usize>,
    children: HashMap<Option<NodeId>, Vec<NodeId>>,
}

impl OrgTree {
    pub fn new(nodes: &[OrgNode]) -> Self {
        let mut nodes = nodes.to_vec();
        nodes.sort_by(|a, b| {
            (a.sort_order, a.id)
                .cmp(&(b.sort_order, b.id))
                .then_with(|| a.name.cmp(&b.name))
        });
        let index = nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
        let mut children: HashMap<Option<NodeId>, Vec<NodeId>> = HashMap::new();
        for n in &nodes {
            children.entry(n.parent).or_default().push(n.id);
        }
        OrgTree {
            nodes,
            index,
            children,
        }
    }

    pub fn nodes(&self) -> &[OrgNode] {
        &self.nodes
    }

    pub fn get(&self, id: NodeId) -> Option<&OrgNode> {
        self.index.get(&id).map(|&i| &self.nodes[i])
    }

    /// The top of the tree (the company). Files are kept to one root; if several exist the
    /// first in order is taken.
    pub fn root(&self) -> Option<&OrgNode> {
        self.children
            .get(&None)
            .and_then(|ids| ids.first())
            .and_then(|&id| self.get(id))
    }

    pub fn roots(&self) -> &[NodeId] {
        self.children.get(&None).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn children(&self, id: NodeId) -> &[NodeId] {
        self.children
            .get(&Some(id))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// All nodes below `id`, depth first, not including `id`.
    pub fn descendants(&self, id: NodeId) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut stack: Vec<NodeId> = self.children(id).iter().rev().copied().collect();
        while let Some(n) = stack.pop() {
            // A damaged file could hold a cycle; never loop forever on it.
            if out.contains(&n) || n == id {
                continue;
            }
            out.push(n);
            stack.extend(self.children(n).iter().rev().copied());
        }
        out
    }

    /// `id`'s parent, grandparent, … up to the root.
    pub fn ancestors(&self, id: NodeId) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut current = self.get(id).and_then(|n| n.parent);
        while let Some(p) = current {
            if out.contains(&p) || p == id {
                break;
            }
            out.push(p);
            current = self.get(p).and_then(|n| n.parent);
        }
        out
    }

    pub fn depth(&self, id: NodeId) -> usize {
        self.ancestors(id).len()
    }

    /// Nodes in display order: depth first from the roots, each with its depth.
    pub fn walk(&self) -> Vec<(NodeId, usize)> {
        let mut out = Vec::with_capacity(self.nodes.len());
        for &root in self.roots() {
            out.push((root, 0));
            for d in self.descendants(root) {
                out.push((d, self.depth(d)));
            }
        }
        out
    }

    /// People at or below `id`.
    pub fn people_under(&self, id: NodeId) -> Vec<NodeId> {
        let mut all = vec![id];
        all.extend(self.descendants(id));
        all.into_iter()
            .filter(|n| self.get(*n).is_some_and(|n| n.kind.is_person()))
            .collect()
    }

    fn name_of(&self, id: Option<NodeId>) -> String {
        id.and_then(|id| self.get(id))
            .map(|n| n.name.clone())
            .unwrap_or_default()
    }

    fn check_unique(
        &self,
        parent: Option<NodeId>,
        name: &str,
        except: Option<NodeId>,
    ) -> Result<(), OrgError> {
        let siblings = self.children.get(&parent).map(Vec::as_slice).unwrap_or(&[]);
        let clash = siblings
            .iter()
            .filter(|&&s| Some(s) != except)
            .filter_map(|&s| self.get(s))
            .any(|s| s.name == name);
        if clash {
            return Err(OrgError::DuplicateName {
                name: name.to_owned(),
                parent: self.name_of(parent),
            });
        }
        Ok(())
    }

    fn check_can_hold_children(&self, parent: NodeId) -> Result<&OrgNode, OrgError> {
        let p = self
            .get(parent)
            .ok_or(OrgError::UnknownNode { id: parent })?;
        if p.kind.is_person() {
            return Err(OrgError::PersonCannotHaveChildren {
                person: p.name.clone(),
            });
        }
        Ok(p)
    }

    /// Checks adding a node called `name` under `parent` (`None` only for the first root).
    /// Returns the cleaned name.
    pub fn check_add(
        &self,
        parent: Option<NodeId>,
        kind: UnitKind,
        name: &str,
    ) -> Result<String, OrgError> {
        let name = clean_name(name)?;
        match parent {
            Some(p) => {
                self.check_can_hold_children(p)?;
            }
            None => {
                if !self.roots().is_empty() {
                    return Err(OrgError::SecondRoot);
                }
                if kind.is_person() {
                    return Err(OrgError::RootMustBeUnit);
                }
            }
        }
        self.check_unique(parent, &name, None)?;
        Ok(name)
    }

    pub fn check_rename(&self, id: NodeId, name: &str) -> Result<String, OrgError> {
        let name = clean_name(name)?;
        let node = self.get(id).ok_or(OrgError::UnknownNode { id })?;
        self.check_unique(node.parent, &name, Some(id))?;
        Ok(name)
    }

    /// Checks changing a node's kind: a node with children cannot become a person, the root
    /// cannot become one either.
    pub fn check_kind_change(&self, id: NodeId, kind: UnitKind) -> Result<(), OrgError> {
        let node = self.get(id).ok_or(OrgError::UnknownNode { id })?;
        if kind.is_person() {
            if node.parent.is_none() {
                return Err(OrgError::RootMustBeUnit);
            }
            if !self.children(id).is_empty() {
                return Err(OrgError::PersonCannotHaveChildren {
                    person: node.name.clone(),
                });
            }
        }
        Ok(())
    }

    pub fn check_move(&self, id: NodeId, new_parent: NodeId) -> Result<(), OrgError> {
        let node = self.get(id).ok_or(OrgError::UnknownNode { id })?;
        if node.parent.is_none() {
            return Err(OrgError::RootCannotMove);
        }
        if id == new_parent {
            return Err(OrgError::MoveIntoItself {
                name: node.name.clone(),
            });
        }
        let target = self.check_can_hold_children(new_parent)?;
        if self.descendants(id).contains(&new_parent) {
            return Err(OrgError::MoveIntoDescendant {
                name: node.name.clone(),
                target: target.name.clone(),
            });
        }
        self.check_unique(Some(new_parent), &node.name, Some(id))?;
        Ok(())
    }

    /// Checks deleting `id`; returns the nodes that go with it (it and everything below).
    pub fn check_delete(&self, id: NodeId) -> Result<Vec<NodeId>, OrgError> {
        let node = self.get(id).ok_or(OrgError::UnknownNode { id })?;
        if node.parent.is_none() {
            return Err(OrgError::RootCannotBeDeleted);
        }
        let mut all = vec![id];
        all.extend(self.descendants(id));
        Ok(all)
    }

    /// Nodes a node may be moved under: units that are not the node itself, not below it and
    /// not its current parent.
    pub fn move_targets(&self, id: NodeId) -> Vec<NodeId> {
        let below = self.descendants(id);
        let parent = self.get(id).and_then(|n| n.parent);
        self.walk()
            .into_iter()
            .map(|(n, _)| n)
            .filter(|&n| n != id && Some(n) != parent && !below.contains(&n))
            .filter(|&n| self.get(n).is_some_and(|n| !n.kind.is_person()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: i64, parent: Option<i64>, kind: UnitKind, name: &str) -> OrgNode {
        OrgNode {
            id: NodeId(id),
            parent: parent.map(NodeId),
            kind,
            name: name.to_owned(),
            sort_order: id,
            title: String::new(),
            email: String::new(),
            visits_per_week: None,
        }
    }

    fn sample() -> OrgTree {
        OrgTree::new(&[
            node(1, None, UnitKind::Company, "公司"),
            node(2, Some(1), UnitKind::Region, "华东大区"),
            node(3, Some(1), UnitKind::Region, "华北大区"),
            node(4, Some(2), UnitKind::Person, "张伟"),
            node(5, Some(2), UnitKind::Team, "上海组"),
            node(6, Some(5), UnitKind::Person, "李娜"),
        ])
    }

    #[test]
    fn walks_depth_first_with_depths() {
        let t = sample();
        let walk: Vec<(i64, usize)> = t.walk().into_iter().map(|(n, d)| (n.0, d)).collect();
        assert_eq!(walk, vec![(1, 0), (2, 1), (4, 2), (5, 2), (6, 3), (3, 1)]);
    }

    #[test]
    fn refuses_moving_a_unit_under_its_own_descendant() {
        let t = sample();
        assert_eq!(
            t.check_move(NodeId(2), NodeId(5)),
            Err(OrgError::MoveIntoDescendant {
                name: "华东大区".into(),
                target: "上海组".into()
            })
        );
        assert!(matches!(
            t.check_move(NodeId(2), NodeId(2)),
            Err(OrgError::MoveIntoItself { .. })
        ));
        assert!(t.check_move(NodeId(5), NodeId(3)).is_ok());
    }

    #[test]
    fn people_cannot_hold_children() {
        let t = sample();
        assert!(matches!(
            t.check_add(Some(NodeId(4)), UnitKind::Team, "x"),
            Err(OrgError::PersonCannotHaveChildren { .. })
        ));
        assert!(matches!(
            t.check_move(NodeId(6), NodeId(4)),
            Err(OrgError::PersonCannotHaveChildren { .. })
        ));
        assert!(matches!(
            t.check_kind_change(NodeId(5), UnitKind::Person),
            Err(OrgError::PersonCannotHaveChildren { .. })
        ));
    }

    #[test]
    fn names_are_unique_under_one_parent_only() {
        let t = sample();
        assert!(matches!(
            t.check_add(Some(NodeId(1)), UnitKind::Region, " 华东大区 "),
            Err(OrgError::DuplicateName { .. })
        ));
        assert_eq!(
            t.check_add(Some(NodeId(3)), UnitKind::Region, " 华东大区 "),
            Ok("华东大区".into())
        );
        assert_eq!(t.check_rename(NodeId(2), "华东大区"), Ok("华东大区".into()));
        assert!(t.check_rename(NodeId(2), "华北大区").is_err());
        assert_eq!(t.check_rename(NodeId(2), "  "), Err(OrgError::EmptyName));
    }

    #[test]
    fn new_names_get_the_first_free_number() {
        let taken = ["新单元", "新单元 2"];
        assert_eq!(unique_name("新单元", |n| taken.contains(&n)), "新单元 3");
        assert_eq!(unique_name("新人员", |n| taken.contains(&n)), "新人员");
    }

    #[test]
    fn the_root_stays() {
        let t = sample();
        assert_eq!(
            t.check_delete(NodeId(1)),
            Err(OrgError::RootCannotBeDeleted)
        );
        assert_eq!(
            t.check_move(NodeId(1), NodeId(3)),
            Err(OrgError::RootCannotMove)
        );
        assert_eq!(
            t.check_add(None, UnitKind::Company, "另一个公司"),
            Err(OrgError::SecondRoot)
        );
        let deleted: Vec<i64> = t
            .check_delete(NodeId(2))
            .unwrap()
            .into_iter()
            .map(|n| n.0)
            .collect();
        assert_eq!(deleted, vec![2, 4, 5, 6]);
    }

    #[test]
    fn move_targets_exclude_self_descendants_people_and_current_parent() {
        let t = sample();
        let targets: Vec<i64> = t.move_targets(NodeId(5)).into_iter().map(|n| n.0).collect();
        assert_eq!(targets, vec![1, 3]);
    }

    #[test]
    fn survives_a_cycle_in_a_damaged_file() {
        let t = OrgTree::new(&[
            node(1, Some(2), UnitKind::Region, "a"),
            node(2, Some(1), UnitKind::Region, "b"),
        ]);
        assert_eq!(t.descendants(NodeId(1)), vec![NodeId(2)]);
        assert_eq!(t.ancestors(NodeId(1)), vec![NodeId(2)]);
    }
}
